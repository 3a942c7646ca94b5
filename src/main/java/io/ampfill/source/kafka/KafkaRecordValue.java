package io.ampfill.source.kafka;

import io.ampfill.source.SourceRecord;
import io.ampfill.source.Utf8;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A Kafka record's value as a source record: one JSON event, read as an NDJSON line would be; its offset is its line. */
final class KafkaRecordValue {
    private KafkaRecordValue() {
    }

    static SourceRecord of(long offset, byte[] value) {
        if (value == null) {
            return SourceRecord.Unreadable.text(offset, "", "no value (a tombstone): not an event");
        }
        int from = 0;
        int to = value.length;
        while (from < to && isSpace(value[from])) {
            from++;
        }
        while (to > from && isSpace(value[to - 1])) {
            to--;
        }
        if (from == to) {
            return SourceRecord.Unreadable.text(offset, new String(value, StandardCharsets.UTF_8), "empty value: not an event");
        }
        int invalid = Utf8.invalidAt(value, from, to);
        if (invalid >= 0) {
            return SourceRecord.Unreadable.text(offset, new String(value, from, to - from, StandardCharsets.UTF_8),
                    String.format(Locale.ROOT, "not valid UTF-8: byte 0x%02X at byte %d of the value (raw has U+FFFD in its place)",
                            value[invalid] & 0xFF, invalid - from + 1));
        }
        return new SourceRecord.Line(offset, value, from, to - from);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
