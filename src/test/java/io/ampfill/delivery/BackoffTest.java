package io.ampfill.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    @Test
    void doubles_the_ceiling_each_attempt_up_to_the_cap() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60), () -> 1.0);
        assertThat(new long[]{backoff.ceilingMillis(1), backoff.ceilingMillis(2), backoff.ceilingMillis(3),
                backoff.ceilingMillis(8), backoff.ceilingMillis(9), backoff.ceilingMillis(1000)})
                .containsExactly(500, 1000, 2000, 60_000, 60_000, 60_000);
    }

    @Test
    void draws_the_wait_uniformly_below_the_ceiling() {
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), () -> 0.25).delay(3))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), () -> 0.0).delay(5)).isZero();
    }

    @Test
    void refuses_a_cap_below_the_base() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
