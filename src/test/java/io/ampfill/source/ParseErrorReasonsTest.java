package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static io.ampfill.source.Records.reason;
import static io.ampfill.source.SourceFiles.readAll;
import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dead letter's reason is the user's: what is wrong with their text, in one line, without the parser's feature
 * names and advice, class names, character codes or source locations; and valid JSON beyond a limit is "too
 * large to read", saying which limit, not "not valid JSON".
 */
class ParseErrorReasonsTest {
    private static final String BASE = "\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000";
    /** What a library's message has and a user's reason must not. */
    private static final Pattern LIBRARY_WORDS = Pattern.compile(
            "`|\\(code \\d+\\)|\\[Source|Feature|feature|enable|Constraints|fasterxml|jackson|Jackson|VALUE_|START_|END_|FIELD_NAME"
                    + "|CTRL-CHAR|bound as|as per|REDACTED|maximum allowed|Exception|\\n");

    @TempDir
    Path dir;

    private String reasonOf(String ndjsonLine) throws Exception {
        List<SourceRecord> records = readAll(write(dir, "line.ndjson", ndjsonLine + "\n"));
        assertThat(records).hasSize(1);
        return reason(records.get(0));
    }

    @Test
    void words_each_parser_error_for_the_user() throws Exception {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("{" + BASE + ",\"n\":NaN}", "not valid JSON: NaN is not a JSON value (write null, or leave the field out)"),
                Map.entry("{" + BASE + ",\"n\":-Infinity}", "not valid JSON: -Infinity is not a JSON value (write null, or leave the field out)"),
                Map.entry("{" + BASE + ",\"n\":+1}", "not valid JSON: a number starts with '+', which JSON does not allow"),
                Map.entry("{" + BASE + ",\"n\":01}", "not valid JSON: a number starts with a zero (01), which JSON does not allow"),
                Map.entry("{" + BASE + ",\"n\":1.}", "not valid JSON: a number's decimal point is not followed by a digit"),
                Map.entry("{" + BASE + ",\"n\":tru}", "not valid JSON: unexpected 'tru' where a value should be (a string in double quotes,"
                        + " a number, true, false, null, an object or an array)"),
                Map.entry("{" + BASE + ",}", "not valid JSON: unexpected '}': expected a field name in double quotes"),
                Map.entry("{" + BASE + ",'a':1}", "not valid JSON: unexpected ''': expected a field name in double quotes"),
                Map.entry("{" + BASE + ",\"a\" 1}", "not valid JSON: unexpected '1': expected ':' after a field name"),
                Map.entry("{" + BASE + " \"a\":1}", "not valid JSON: unexpected '\"': expected ',' or '}' after a value"),
                Map.entry("{" + BASE + ",\"a\":[1 2]}", "not valid JSON: unexpected '2': expected ',' or ']' after a value"),
                Map.entry("{" + BASE + ",\"a\":\"x\ty\"}", "not valid JSON: a control character (U+0009) in a string: it must be written"
                        + " escaped, such as \\n or \\u0001"),
                Map.entry("{" + BASE + ",\"a\":\"\\x\"}", "not valid JSON: unknown escape \\x in a string"),
                Map.entry("{" + BASE + ",\"a\":\"\\u12\"}", "not valid JSON: unexpected '\"': a \\u escape needs four hex digits"),
                Map.entry("{" + BASE + " /* c */}", "not valid JSON: unexpected '/': comments are not JSON"),
                Map.entry("{" + BASE, "not valid JSON: the text ends inside an object (a '}' is missing)"),
                Map.entry("{" + BASE + ",\"a\":\"open}", "not valid JSON: the text ends inside a string (a closing '\"' is missing)"),
                Map.entry("{" + BASE + "]", "not valid JSON: unexpected ']' where '}' should close"),
                Map.entry("{" + BASE + "} {}", "not valid JSON: more than one JSON value (something follows the first one)"),
                Map.entry("{" + BASE + ",\"n\":1e9999999999}", "too large to read: a number with an exponent beyond any range: 1e9999999999"));
        for (Map.Entry<String, String> line : expected.entrySet()) {
            assertThat(reasonOf(line.getKey())).as(line.getKey()).isEqualTo(line.getValue());
        }
        assertThat(reason(readAll(write(dir, "a.csv", "a,b\n\"x\"y,1\n")).get(0)))
                .isEqualTo("not valid CSV from here on: unexpected 'y': expected ',' or the end of the line after a quoted cell");
        assertThat(reason(readAll(write(dir, "b.csv", "a,b\n\"x,1\n")).get(0))).isEqualTo("not valid CSV from here on: a quoted cell has no closing quote");
        assertThat(reason(readAll(write(dir, "c.json", "[{\"n\":1},{\"n\":NaN}]")).get(1)))
                .isEqualTo("not valid JSON from here on: NaN is not a JSON value (write null, or leave the field out)");
    }

    @Test
    void says_which_limit_valid_but_huge_json_passes() throws Exception {
        assertThat(reasonOf("{" + BASE + ",\"s\":\"" + "x".repeat(20_000_001) + "\"}"))
                .isEqualTo("too large to read: a string longer than 20000000 characters");
        assertThat(reasonOf("{" + BASE + ",\"n\":" + "1".repeat(1001) + "}")).isEqualTo("too large to read: a number of more than 1000 digits");
        assertThat(reasonOf("{" + BASE + ",\"d\":" + "[".repeat(1001) + "]".repeat(1001) + "}")).isEqualTo("too large to read: nested more than 1000 levels deep");
        assertThat(reasonOf("{" + BASE + ",\"" + "k".repeat(50_001) + "\":1}")).isEqualTo("too large to read: a field name longer than 50000 characters");
        assertThat(reason(readAll(write(dir, "deep.json", "[{\"n\":1},{\"d\":" + "[".repeat(1001) + "]".repeat(1001) + "}]")).get(1)))
                .isEqualTo("too large to read from here on: nested more than 1000 levels deep");
    }

    @Test
    void no_reason_carries_the_parsers_words_whatever_the_damage() throws Exception {
        Random random = new Random(20261204);
        byte[] junk = "{}[]\",:\\/-+.eE0123456789 \t\r\u0001abtnulfrsxuU#'*".getBytes(StandardCharsets.UTF_8);
        String[][] seeds = {
                {"ndjson", "{" + BASE + ",\"event_properties\":{\"a\":[1,2.5,-3e2,true,false,null,\"x\\u00e9\\n\"],\"b\":{\"c\":\"d\"}}}\n"},
                {"json", "[{" + BASE + ",\"event_properties\":{\"a\":[1,2.5,true,null,\"x\\u00e9\"]}},{\"n\":2}]"},
                {"csv", "event_type,device_id,time,event_properties\nplay,\"device-1\",1709294400000,\"{\"\"a\"\":[1,2.5,\"\"x\"\"]}\"\n"},
                // a dead letter dropped again: its raw text is parsed anew
                {"ndjson", "{\"reason\":\"r\",\"source\":\"a.ndjson\",\"line\":1,\"raw\":\"{\\\"event_type\\\":\\\"play\\\",\\\"n\\\":[1,2]}\"}\n"}};
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String[] seed = seeds[i % seeds.length];
            byte[] b = seed[1].getBytes(StandardCharsets.UTF_8);
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int at = random.nextInt(b.length - 1);
                byte[] changed = switch (random.nextInt(3)) {
                    case 0 -> SourceFiles.concat(java.util.Arrays.copyOf(b, at), new byte[]{junk[random.nextInt(junk.length)]},
                            java.util.Arrays.copyOfRange(b, at + 1, b.length));
                    case 1 -> SourceFiles.concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, at + 1, b.length));
                    default -> SourceFiles.concat(java.util.Arrays.copyOf(b, at), new byte[]{junk[random.nextInt(junk.length)]},
                            java.util.Arrays.copyOfRange(b, at, b.length));
                };
                b = changed;
            }
            java.io.InputStream in = new java.io.ByteArrayInputStream(b);
            try (RecordReader reader = switch (seed[0]) {
                case "ndjson" -> new NdjsonReader(in);
                case "json" -> new JsonDocumentReader(in);
                default -> new CsvRecordReader(in);
            }) {
                List<SourceRecord> records = new ArrayList<>();
                while (reader.readChunk(records, 100)) {
                    // reads all
                }
                records.stream().map(Records::reason).filter(java.util.Objects::nonNull).forEach(reasons::add);
            }
        }
        assertThat(reasons).as("damaged records").hasSizeGreaterThan(1000);
        assertThat(reasons).allSatisfy(reason -> {
            assertThat(LIBRARY_WORDS.matcher(reason).find()).as(reason).isFalse();
            assertThat(reason.length()).as(reason).isLessThan(200);
        });
    }
}
