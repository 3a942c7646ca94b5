package io.ampfill.source.jdbc;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DerivedInsertIdTest {

    @Test
    void is_fixed_for_a_table_and_key_so_every_run_and_every_database_agrees() {
        // pinned (base64url of the first 24 bytes of SHA-256 of "events\0" + "42"): changing the derivation
        // would make Amplitude take every re-read row for a new event
        assertThat(DerivedInsertId.ofRow("events", List.of(42L))).isEqualTo("db-TFs59fstW7jhq4rCZ2Pbx-eIvq4ECLDI");
        assertThat(DerivedInsertId.ofSignup("user-00042")).startsWith("signup-").hasSize(39);
    }

    @Test
    void writes_equal_keys_alike_and_different_keys_apart() {
        assertThat(DerivedInsertId.ofRow("events", List.of(42L))).isEqualTo(DerivedInsertId.ofRow("events", List.of(new BigDecimal("42.00"))));
        assertThat(DerivedInsertId.ofRow("events", List.of(LocalDateTime.parse("2024-03-01T12:00"))))
                .isEqualTo(DerivedInsertId.ofRow("events", List.of(LocalDateTime.parse("2024-03-01T12:00:00"))));
        assertThat(DerivedInsertId.ofRow("events", List.of(OffsetDateTime.parse("2024-03-01T14:00+02:00"))))
                .isEqualTo(DerivedInsertId.ofRow("events", List.of(OffsetDateTime.parse("2024-03-01T12:00Z"))));
        assertThat(DerivedInsertId.ofRow("events", List.of(42L))).isNotEqualTo(DerivedInsertId.ofRow("events", List.of(43L)))
                .isNotEqualTo(DerivedInsertId.ofRow("orders", List.of(42L)));
        assertThat(DerivedInsertId.ofRow("t", List.of("a", "bc"))).as("key parts are separated")
                .isNotEqualTo(DerivedInsertId.ofRow("t", List.of("ab", "c")));
        assertThat(DerivedInsertId.ofRow("t", List.of(1L, 23L))).isNotEqualTo(DerivedInsertId.ofRow("t", List.of(12L, 3L)));
    }

    @Test
    void gives_keys_that_differ_only_in_a_lone_surrogate_ids_of_their_own() {
        // a text key may hold one (H2 keeps any Java string); getBytes(UTF_8) made each '?', so these rows shared an id
        assertThat(List.of(DerivedInsertId.ofRow("t", List.of("k\ud800")), DerivedInsertId.ofRow("t", List.of("k\ud801")),
                DerivedInsertId.ofRow("t", List.of("k?")), DerivedInsertId.ofSignup("u\udc00"), DerivedInsertId.ofSignup("u?")))
                .doesNotHaveDuplicates();
    }
}
