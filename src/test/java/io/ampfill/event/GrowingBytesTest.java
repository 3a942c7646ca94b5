package io.ampfill.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Numbers written without making a string must be the very bytes Long.toString gives: they go into insert_ids. */
class GrowingBytesTest {

    @Test
    void writes_the_digits_long_to_string_writes() {
        LongStream edges = LongStream.of(0, 1, -1, 9, 10, -9, -10, 99, 100, 1_700_000_000_000L, -1_700_000_000_000L,
                999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1);
        Random random = new Random(7);
        LongStream randoms = LongStream.generate(() -> random.nextLong() >> random.nextInt(64)).limit(10_000);
        LongStream.concat(edges, randoms).forEach(v -> {
            JsonOutput out = new JsonOutput();
            out.put('x');
            out.digits(v);
            assertThat(new String(out.toArray(0, out.used()), StandardCharsets.US_ASCII)).isEqualTo("x" + v);

            CanonicalForm form = new CanonicalForm();
            form.integer(v);
            CanonicalForm viaText = new CanonicalForm();
            viaText.text(Long.toString(v));
            assertThat(Arrays.copyOf(form.buffer, form.used()))
                    .isEqualTo(Arrays.copyOf(viaText.buffer, viaText.used()));
        });
    }
}
