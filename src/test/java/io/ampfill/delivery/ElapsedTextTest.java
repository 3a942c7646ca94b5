package io.ampfill.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ElapsedTextTest {
    @Test
    void says_a_span_in_the_unit_that_reads_best() {
        assertThat(ElapsedText.of(12_400_000L)).isEqualTo("12 ms");
        assertThat(ElapsedText.of(2_440_000_000L)).isEqualTo("2.4 s");
        assertThat(ElapsedText.of(12_400_000_000L)).isEqualTo("12 s");
        assertThat(ElapsedText.of(70_000_000_000L)).isEqualTo("1m 10s");
        assertThat(ElapsedText.of(7_500_000_000_000L)).isEqualTo("2h 5m");
    }
}
