package io.ampfill.source.jdbc;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorPositionTest {

    @Test
    void its_text_form_reads_back_to_the_same_typed_values() {
        List<CursorPosition> positions = List.of(
                new CursorPosition(42L, List.of()),
                new CursorPosition(OffsetDateTime.parse("2024-03-01T12:00:00.123456Z"), List.of(7L)),
                new CursorPosition(LocalDateTime.parse("2024-03-01T12:00"), List.of("order \"7\", line 3", new BigDecimal("1.50"))),
                new CursorPosition(LocalDate.parse("2024-03-01"), List.of(UUID.fromString("6f1c2a9e-0000-4000-8000-000000000001"))),
                new CursorPosition(new BigInteger("18446744073709551615"), Arrays.asList((Object) null)));
        for (CursorPosition position : positions) {
            assertThat(CursorPosition.parse(position.toText())).isEqualTo(position);
        }
        assertThat(new CursorPosition(OffsetDateTime.parse("2024-03-01T12:00:00.250Z"), List.of(42L)).toText())
                .isEqualTo("[\"tstz:2024-03-01T12:00:00.250Z\",\"long:42\"]");
    }

    @Test
    void text_that_is_no_position_is_refused() {
        assertThatThrownBy(() -> CursorPosition.parse("42")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CursorPosition.parse("[\"when:now\"]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CursorPosition(new Object(), List.of()).toText()).isInstanceOf(IllegalArgumentException.class);
    }
}
