package io.ampfill.source;

import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingOutcome;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.RecordMapper;
import io.ampfill.event.Refused;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise of derived insert_ids, on random text: distinct records get distinct ids (else Amplitude keeps one
 * of them), and the same record gets the same id however it is written: escapes or literal UTF-8, key order,
 * number spelling, NDJSON (line path or not), a JSON document or CSV. Text that is not Unicode (a lone
 * surrogate, bytes that are not UTF-8) is refused with a reason in every form, never given an id.
 */
class DerivedInsertIdPropertyTest {
    private static final int RECORDS = 3000;
    private static final MappingSettings SETTINGS = new MappingSettings();
    private static final RecordMapper MAPPER = new RecordMapper(SETTINGS);

    /**
     * A piece of text (its chars), or bytes that are no text (chars null). Chosen so that different pieces come
     * close: U+FFFD and '?' (what lone surrogates and bad bytes become when replaced), lone surrogates (two halves
     * may make a pair once joined), a quote, a backslash and a slash, each of which JSON spells in more than one way.
     */
    private record Atom(String chars, byte[] bytes) {
        static Atom text(String chars) {
            return new Atom(chars, null);
        }

        static Atom bytes(int... values) {
            byte[] b = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                b[i] = (byte) values[i];
            }
            return new Atom(null, b);
        }
    }

    private static final Atom[] ATOMS = {
            Atom.text("a"), Atom.text("Z"), Atom.text("0"), Atom.text(" "), Atom.text("/"), Atom.text("?"), Atom.text("\""),
            Atom.text("\\"), Atom.text("\u0000"), Atom.text("\n"), Atom.text("\t"), Atom.text("\u001f"), Atom.text("\u007f"),
            Atom.text("é"), Atom.text("日"), Atom.text("\ufffd"), Atom.text("\ufeff"), Atom.text("\u2028"), Atom.text("🎵"),
            Atom.text("\ud83c\udfb6"), Atom.text("\ud800"), Atom.text("\ud801"), Atom.text("\udbff"), Atom.text("\udc00"),
            Atom.text("\udfff"), Atom.bytes(0xC0, 0xAF), Atom.bytes(0xFF), Atom.bytes(0x80), Atom.bytes(0xE6, 0x97)};

    /** One record as a user means it: event_properties {"s": text, "n": number}, or the text as a key. */
    private record Logical(List<Atom> text, long number, boolean textAsKey) {
        /** Whether the text is Unicode: no bytes that are not UTF-8, no lone surrogate once the pieces are joined (two halves may make a pair). */
        boolean unicode() {
            return text.stream().allMatch(a -> a.chars != null) && Utf8.loneSurrogate(chars()) < 0;
        }

        String chars() {
            StringBuilder chars = new StringBuilder();
            text.forEach(a -> chars.append(a.chars));
            return chars.toString();
        }

        /** What must be equal for two records to be the same record. */
        String identity() {
            return (textAsKey ? "key " : "value ") + chars() + " " + number;
        }

        /** Runs of text pieces joined, and the bytes that are no text, in order. */
        List<Object> runs() {
            List<Object> runs = new ArrayList<>();
            StringBuilder run = new StringBuilder();
            for (Atom atom : text) {
                if (atom.chars != null) {
                    run.append(atom.chars);
                } else {
                    if (run.length() > 0) {
                        runs.add(run.toString());
                        run.setLength(0);
                    }
                    runs.add(atom.bytes);
                }
            }
            if (run.length() > 0) {
                runs.add(run.toString());
            }
            return runs;
        }
    }

    @Test
    void gives_distinct_records_distinct_ids_and_the_same_record_the_same_id_however_written() throws IOException {
        Random random = new Random(20261204);
        Map<String, String> identityById = new HashMap<>();
        int valid = 0;
        for (int i = 0; i < RECORDS; i++) {
            List<Atom> text = new ArrayList<>();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                Atom atom = ATOMS[random.nextInt(ATOMS.length)];
                // two runs of bad bytes side by side could make a good character (E6 97 and 80): one at a time
                if (atom.chars != null || text.isEmpty() || text.get(text.size() - 1).chars != null) {
                    text.add(atom);
                }
            }
            Logical record = new Logical(text, random.nextInt(3) * 10L, random.nextInt(4) == 0);
            List<String> outcomes = new ArrayList<>();
            for (Written written : writings(record, random)) {
                outcomes.add(written.format + ": " + outcome(written));
            }
            String id = outcomes.get(0).substring(outcomes.get(0).indexOf(": ") + 2);
            if (record.unicode()) {
                valid++;
                assertThat(id).as("%s: %s", record.identity(), outcomes).startsWith("af-");
                assertThat(outcomes).as(record.identity()).allMatch(o -> o.endsWith(": " + id));
                String before = identityById.putIfAbsent(id, record.identity());
                assertThat(before).as("id %s of %s", id, record.identity()).isIn(null, record.identity());
            } else {
                assertThat(outcomes).as(record.identity()).allMatch(o -> o.contains(": not valid Unicode") || o.contains(": not valid UTF-8"));
            }
        }
        assertThat(valid).as("records of Unicode text").isGreaterThan(RECORDS / 5);
        assertThat(identityById.size()).as("distinct valid records").isGreaterThan(valid / 2);
    }

    private record Written(String format, byte[] bytes, Function<InputStream, RecordReader> reader) {
    }

    /** The record in every form a user may write it in. */
    private static List<Written> writings(Logical record, Random random) {
        List<Written> out = new ArrayList<>();
        boolean literalOnly = record.text.stream().anyMatch(a -> a.chars == null);
        Function<InputStream, RecordReader> ndjson = NdjsonReader::new;
        Function<InputStream, RecordReader> document = JsonDocumentReader::new;
        out.add(new Written("ndjson literal", json(record, false, false, "10", random), ndjson));
        out.add(new Written("ndjson, keys reordered", json(record, false, true, "1e1", random), ndjson));
        out.add(new Written("json document", concat("[".getBytes(StandardCharsets.UTF_8), json(record, false, false, "10.0", random),
                "]".getBytes(StandardCharsets.UTF_8)), document));
        if (!literalOnly) {
            out.add(new Written("ndjson escaped", json(record, true, false, "10", random), ndjson));
            out.add(new Written("json document escaped", json(record, true, true, "1.0E1", random), document));
        }
        if (!record.textAsKey) {
            out.add(new Written("csv", csv(record), CsvRecordReader::new));
        }
        return out;
    }

    private static byte[] json(Logical record, boolean escaped, boolean reordered, String tenSpelled, Random random) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.write('"');
        for (Object run : record.runs()) {
            if (run instanceof byte[] bytes) {
                text.writeBytes(bytes);
                continue;
            }
            String chars = (String) run;
            for (int i = 0; i < chars.length(); i++) {
                char c = chars.charAt(i);
                boolean pair = Character.isHighSurrogate(c) && i + 1 < chars.length() && Character.isLowSurrogate(chars.charAt(i + 1));
                String unit = String.format(Locale.ROOT, "\\u%04x", (int) c);
                if (escaped || c < 0x20 || c == '"' || c == '\\' || (Character.isSurrogate(c) && !pair)) {
                    // what JSON must escape, and a lone surrogate, which has no UTF-8 form: escaped, in one of its spellings
                    String spelled = switch (c) {
                        case '\n' -> random.nextBoolean() ? "\\n" : unit;
                        case '"' -> random.nextBoolean() ? "\\\"" : unit;
                        case '\\' -> random.nextBoolean() ? "\\\\" : unit;
                        case '/' -> random.nextBoolean() ? "\\/" : unit;
                        default -> unit;
                    };
                    text.writeBytes(spelled.getBytes(StandardCharsets.US_ASCII));
                } else {
                    int end = pair ? i + 2 : i + 1;
                    text.writeBytes(chars.substring(i, end).getBytes(StandardCharsets.UTF_8));
                    i = end - 1;
                }
            }
        }
        text.write('"');
        String number = record.number == 10 ? tenSpelled : Long.toString(record.number);
        String properties = record.textAsKey ? "{\"v\":1,%TEXT%:" + number + "}" : "{\"s\":%TEXT%,\"n\":" + number + "}";
        String line = reordered
                ? "{\"time\":1709294400000,\"event_properties\":" + properties + ",\"device_id\":\"device-1\",\"event_type\":\"play\"}"
                : "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000,\"event_properties\":" + properties + "}";
        int at = line.indexOf("%TEXT%");
        return concat(line.substring(0, at).getBytes(StandardCharsets.UTF_8), text.toByteArray(),
                (line.substring(at + 6) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A header row and one row; the text quoted, its quotes doubled, a lone surrogate as the bytes it would take. */
    private static byte[] csv(Logical record) {
        ByteArrayOutputStream cell = new ByteArrayOutputStream();
        for (Object run : record.runs()) {
            cell.writeBytes(run instanceof byte[] bytes ? bytes : Utf8.encode(((String) run).replace("\"", "\"\"")));
        }
        return concat(("event_type,device_id,time,event_properties.s,event_properties.n\nplay,device-1,2024-03-01T12:00:00Z,\"")
                .getBytes(StandardCharsets.UTF_8), cell.toByteArray(), ("\"," + record.number + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The insert_id the one record of the input gets, or why it is refused. */
    private static String outcome(Written written) throws IOException {
        List<SourceRecord> records = new ArrayList<>();
        try (RecordReader reader = written.reader.apply(new ByteArrayInputStream(written.bytes))) {
            while (reader.readChunk(records, 10)) {
                // reads all
            }
        }
        assertThat(records).as("%s: %s", written.format, new String(written.bytes, StandardCharsets.UTF_8)).hasSize(1);
        MappingOutcome outcome = MAPPER.map(records.get(0));
        return outcome instanceof MappedEvent event ? event.insertId() : ((Refused) outcome).reason();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
