package io.ampfill.event;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.amplitude.AmplitudeFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The line path must map a line exactly as the tree path (tree + TreeMapper) does, or decline it (null).
 * Checked on thousands of seeded random records meant to hit every rule and every way of leaving the line path,
 * and on the common shapes, which must take it.
 */
class LineMapperTest {
    /** As the readers parse: trailing content fails. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int RANDOM_RECORDS = 10_000;
    /** "Now" for the horizon on times ahead: fixed, so that the random records' fate does not depend on the day. */
    private static final java.time.Clock CLOCK = java.time.Clock.fixed(ImplausibleTimesTest.NOW, java.time.ZoneOffset.UTC);
    private static final MappingSettings[] SETTINGS = {
            new MappingSettings().clock(CLOCK),
            new MappingSettings().clock(CLOCK).skipUserPropertiesSync(true),
            new MappingSettings().clock(CLOCK).minIdLength(0),
            new MappingSettings().clock(CLOCK).minIdLength(7).skipUserPropertiesSync(true).maxTimeAhead(java.time.Duration.ofDays(400))};

    private static final String BENCH_LINE = "{\"event_type\":\"Paused Song\",\"device_id\":\"device-02418-32e3\",\"user_id\":\"user-016939\","
            + "\"time\":1700000000011,\"platform\":\"iOS\",\"os_name\":\"ios\",\"os_version\":\"16.6\",\"app_version\":\"5.11.9\","
            + "\"country\":\"United States\",\"event_properties\":{\"song_id\":\"song-8932649\",\"genre\":\"electronic\","
            + "\"duration_ms\":212463,\"source\":\"playlist\"}}";
    private static final String[] COMMON_SHAPES = {
            BENCH_LINE,
            "{\"event_type\":\"Searched\",\"device_id\":\"device-00007-a1b2\",\"user_id\":\"user-000062\",\"time\":1700000000500,"
                    + "\"platform\":\"Android\",\"os_name\":\"android\",\"os_version\":\"14\",\"app_version\":\"5.13.0\",\"country\":\"France\","
                    + "\"event_properties\":{\"query\":\"jazz radio\",\"results\":17,\"screen\":\"search\",\"voice\":false}}",
            "{\"event_type\":\"Viewed Screen\",\"device_id\":\"device-00008-c3d4\",\"user_id\":\"user-000069\",\"time\":1700000000900,"
                    + "\"platform\":\"Web\",\"os_name\":\"Chrome\",\"os_version\":\"120.0\",\"app_version\":\"6.0.1\",\"country\":\"Japan\","
                    + "\"event_properties\":{\"screen\":\"home\",\"referrer\":\"radio\",\"load_ms\":812}}",
            // Amplitude export shapes
            "{\"$insert_id\":\"exp-00000\",\"event_type\":\"Opened App\",\"device_id\":\"ios-000-77c2\",\"event_time\":1709337600000,"
                    + "\"amplitude_id\":1000,\"version_name\":\"5.2.1\",\"os_name\":\"ios\",\"user_properties\":{\"plan\":\"family\"}}",
            "{\"$insert_id\":\"6b1f-22aa\",\"amplitude_id\":123456789,\"uuid\":\"0b9c6a52-1b7c-11ef-9a6b-0a58a9feac02\","
                    + "\"event_type\":\"Played Song\",\"user_id\":\"user-42\",\"device_id\":\"d-8f2c1e\",\"event_time\":\"2024-03-01 12:00:00.123456\","
                    + "\"server_upload_time\":\"2024-03-01 12:00:05.000000\",\"client_event_time\":\"2024-03-01 12:00:00.123456\","
                    + "\"session_id\":1709294300000,\"event_id\":17,\"ip_address\":\"1.2.3.4\",\"device_carrier\":\"Acme\",\"country\":\"Germany\","
                    + "\"city\":\"Berlin\",\"library\":\"amplitude-ios/8.1\",\"data\":{\"path\":\"/batch\"},\"paying\":null,\"$schema\":12,"
                    + "\"event_properties\":{\"song\":\"Nights\",\"seconds\":107,\"tags\":[\"a\",\"b\"],\"meta\":{\"z\":1,\"a\":2.5}},"
                    + "\"user_properties\":{\"plan\":\"premium\",\"$set\":{\"age\":31}},\"groups\":{},\"group_properties\":{}}",
            "{\"event_type\":\"Played Song\",\"device_id\":\"d-8f2c1e\",\"event_time\":1709294400123,\"amplitude_id\":5,\"uuid\":\"u\","
                    + "\"user_properties\":{\"plan\":\"pro\"},\"color\":\"red\",\"score\":3}",
            // sample files of the project
            "{\"event_type\": \"Played Song\", \"device_id\": \"web-000-3f9a\", \"user_id\": \"user-web-000-3f9a\", \"time\": 1709294400000,"
                    + " \"platform\": \"Web\", \"event_properties\": {\"song\": \"Nights\", \"seconds\": 107}}",
    };

    private static MappedEvent lineMapped(MappingSettings settings, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        // not at the start of the buffer, as lines in the reader's buffer are
        byte[] buffer = new byte[bytes.length + 7];
        buffer[0] = '\n';
        buffer[buffer.length - 1] = '{';
        System.arraycopy(bytes, 0, buffer, 3, bytes.length);
        return new LineMapper(settings).tryMap(buffer, 3, bytes.length);
    }

    /** Maps the line both ways; fails unless the line path declined it or agrees. Returns whether it took it. */
    private static boolean checkEquivalent(MappingSettings settings, String line) {
        MappedEvent viaLine = lineMapped(settings, line);
        if (viaLine == null) {
            return false;
        }
        JsonNode record;
        try {
            record = JSON.readTree(line.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("the line path mapped a line that is not JSON: " + line, e);
        }
        MappingResult viaTree = new TreeMapper(settings).map(record);
        if (!(viaTree instanceof MappedEvent expected)) {
            throw new AssertionError("the line path mapped a line the tree path rejects (" + viaTree + "): " + line);
        }
        try {
            assertThat(viaLine.deviceId()).as("device_id of %s", line).isEqualTo(expected.deviceId());
            assertThat(viaLine.userId()).as("user_id of %s", line).isEqualTo(expected.userId());
            assertThat(viaLine.insertId()).as("insert_id of %s", line).isEqualTo(expected.insertId());
            assertThat(viaLine.truncatedStrings()).as("long strings of %s", line).isEqualTo(expected.truncatedStrings());
            assertThat(JSON.readTree(viaLine.json())).as("json of %s", line).isEqualTo(JSON.readTree(expected.json()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return true;
    }

    @Test
    void takes_the_line_path_for_the_common_shapes_and_agrees_with_the_tree_path() {
        for (MappingSettings settings : SETTINGS) {
            for (String line : COMMON_SHAPES) {
                assertThat(checkEquivalent(settings, line)).as("line path taken for %s", line).isTrue();
            }
        }
    }

    @Test
    void takes_the_line_path_for_every_line_of_the_benchmark_data_sets_shapes() {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            String line = benchLine(random, i);
            assertThat(checkEquivalent(SETTINGS[i % SETTINGS.length], line)).as("line path taken for %s", line).isTrue();
        }
    }

    @Test
    void sorts_objects_of_few_and_many_keys_as_the_tree_path_does() {
        // objects of up to 32 keys are sorted by insertion, larger ones by Arrays.sort: both must give the same ids
        Random random = new Random(11);
        for (int keys : new int[] {2, 31, 32, 33, 200}) {
            List<String> names = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                names.add("k" + Integer.toString(random.nextInt(1_000_000), 36) + "_" + k);
            }
            Collections.shuffle(names, random);
            StringBuilder object = new StringBuilder("{");
            StringBuilder unknownFields = new StringBuilder();
            for (int k = 0; k < keys; k++) {
                object.append(k == 0 ? "" : ",").append('"').append(names.get(k)).append("\":").append(k);
                unknownFields.append(",\"top_").append(names.get(k)).append("\":\"v").append(k).append('"');
            }
            object.append('}');
            String line = "{\"event_type\":\"Sorted\",\"device_id\":\"device-0001\",\"time\":1700000000000,"
                    + "\"event_properties\":" + object + ",\"user_properties\":{\"nested\":" + object + "}" + unknownFields + "}";
            assertThat(checkEquivalent(SETTINGS[0], line)).as("line path taken for an object of %d keys", keys).isTrue();
            // a key twice in a large object still leaves the line path
            String twice = object.substring(0, object.length() - 1) + ",\"" + names.get(keys / 2) + "\":0}";
            assertThat(lineMapped(SETTINGS[0], "{\"event_type\":\"Sorted\",\"device_id\":\"device-0001\",\"time\":1700000000000,"
                    + "\"user_properties\":" + twice + "}")).as("a key twice among %d", keys + 1).isNull();
        }
    }

    @Test
    void derives_the_pinned_insert_ids_as_the_tree_path_does() {
        String line = "{\"event_type\":\"Played Song\",\"device_id\":\"device-0001\",\"time\":1700000000000,"
                + "\"event_properties\":{\"seq\":3,\"price\":4.5,\"big\":12345678901234,\"ok\":true,\"none\":null,"
                + "\"list\":[1,\"two\",{\"z\":1,\"a\":2}],\"name\":\"Zoë – ☕ 日本\"}}";
        assertThat(lineMapped(new MappingSettings(), line).insertId()).isEqualTo(ContentInsertIdTest.PINNED_1);
    }

    @Test
    void declines_what_the_tree_path_must_decide() {
        MappingSettings settings = new MappingSettings();
        String base = "\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000";
        for (String line : List.of(
                "[1]", "42", "{" + base + "} x", "{" + base + "}{}", "{" + base + ",\"device_id\":\"device-2\"}",
                "{" + base + ",\"event_properties\":{\"a\":1,\"a\":2}}", "{" + base + ",\"price\":\"9.99\"}",
                "{" + base + ",\"event_properties\":\"{}\"}", "{" + base + ",\"session_id\":123456789012345678901234}",
                "{" + base + ",\"price\":1e999}", "{\"event_type\":\"play\",\"device_id\":\"null\",\"time\":1709294400000}",
                "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400}",
                "{\"event_type\":\"play\",\"device_id\":\"device-1\"}", "{" + base + ",\"reason\":\"r\",\"source\":\"s\"}",
                "{" + base + ",\"user_properties\":" + nested(41) + "}", "{" + base + ",\"z\":" + nested(40) + "}")) {
            assertThat(lineMapped(settings, line)).as(line).isNull();
        }
        assertThat(lineMapped(settings, "{" + base + ",\"user_properties\":" + nested(40) + "}")).isNotNull();
        assertThat(lineMapped(settings, "{" + base + ",\"z\":" + nested(39) + "}")).as("moved into event_properties, one level deeper").isNotNull();
    }

    @Test
    void declines_every_line_that_is_not_strict_json() {
        MappingSettings settings = new MappingSettings();
        String base = "\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000";
        List<String> notJson = List.of("{" + base + ",\"n\":01}", "{" + base + ",\"n\":-}", "{" + base + ",\"n\":1.}",
                "{" + base + ",\"n\":.5}", "{" + base + ",\"n\":+1}", "{" + base + ",\"n\":1e}", "{" + base + ",\"n\":NaN}",
                "{" + base + ",\"n\":12a}", "{" + base + ",\"n\":tru}", "{" + base + ",\"n\":truex}", "{" + base + ",}",
                "{" + base + ",\"a\":[1,]}", "{" + base + ",\"a\":[,1]}", "{" + base + ",\"a\":}", "{" + base + ",\"a\" 1}",
                "{" + base + ",'a':1}", "{" + base + ",a:1}", "{" + base + ",\"a\":\"x\ty\"}", "{" + base + ",\"a\":\"\\x\"}",
                "{" + base + ",\"a\":\"\\u12\"}", "{" + base + " /* c */}", "{" + base, "{" + base + ",\"a\":\"open}",
                "{" + base + ",\"a\":{\"b\":1}", "{" + base + ",\"a\":[1}", "{" + base + "]");
        for (String line : notJson) {
            assertThat(lineMapped(settings, line)).as(line).isNull();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JSON.readTree(line)).as("not JSON: %s", line).isNotNull();
        }
        // JSON, but a lone surrogate's text is not the same once made UTF-8: the tree path decides
        assertThat(lineMapped(settings, "{" + base + ",\"a\":\"\\ud800\"}")).isNull();
        assertThat(lineMapped(settings, "{" + base + ",\"a\":\"\\udc00x\"}")).isNull();
        byte[] badUtf8 = ("{" + base + ",\"a\":\"\u00e9\"}").getBytes(StandardCharsets.UTF_8);
        badUtf8[badUtf8.length - 3] = (byte) 0xC0; // an overlong lead byte
        assertThat(new LineMapper(settings).tryMap(badUtf8, 0, badUtf8.length)).isNull();
    }

    /** An object levels deep, itself included. */
    private static String nested(int levels) {
        return "{\"a\":".repeat(levels - 1) + "{\"leaf\":1}" + "}".repeat(levels - 1);
    }

    @Test
    void agrees_with_the_tree_path_on_random_records() {
        Random random = new Random(20240301);
        int taken = 0;
        for (int i = 0; i < RANDOM_RECORDS; i++) {
            String line = new RecordGenerator(random).record();
            MappingSettings settings = SETTINGS[random.nextInt(SETTINGS.length)];
            try {
                if (checkEquivalent(settings, line)) {
                    taken++;
                }
            } catch (RuntimeException e) {
                fail("record " + i + " threw: " + line, e);
            }
        }
        // the generator leans towards valid records, so that most take the line path and are compared
        assertThat(taken).as("records that took the line path").isGreaterThan(RANDOM_RECORDS / 4);
        System.out.printf("LineMapperTest: %d of %d random records took the line path%n", taken, RANDOM_RECORDS);
    }

    @Test
    void maps_the_same_line_the_same_way_from_many_threads() throws Exception {
        LineMapper mapper = new LineMapper(new MappingSettings());
        byte[] line = BENCH_LINE.getBytes(StandardCharsets.UTF_8);
        String expected = mapper.tryMap(line, 0, line.length).insertId();
        List<Thread> threads = new ArrayList<>();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    seen.add(mapper.tryMap(line, 0, line.length).insertId());
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(seen).hasSize(8000).containsOnly(expected);
    }

    /** A line as bench/DataSetWriter writes them. */
    private static String benchLine(Random random, int device) {
        String[] types = {"Played Song", "Paused Song", "Searched", "Viewed Screen", "Opened App", "Shared Song"};
        String type = types[random.nextInt(types.length)];
        StringBuilder line = new StringBuilder("{\"event_type\":\"").append(type)
                .append("\",\"device_id\":\"").append(String.format(Locale.ROOT, "device-%05d-%04x", device, random.nextInt(0x10000)))
                .append("\",\"user_id\":\"user-").append(String.format(Locale.ROOT, "%06d", device * 7 + 13))
                .append("\",\"time\":").append(1_700_000_000_000L + random.nextInt(1_000_000))
                .append(",\"platform\":\"iOS\",\"os_name\":\"ios\",\"os_version\":\"17.2\",\"app_version\":\"5.12.3\",\"country\":\"Brazil\",\"event_properties\":{");
        if (type.equals("Searched")) {
            line.append("\"query\":\"jazz radio\",\"results\":").append(random.nextInt(200))
                    .append(",\"screen\":\"search\",\"voice\":").append(random.nextBoolean());
        } else if (type.equals("Viewed Screen") || type.equals("Opened App")) {
            line.append("\"screen\":\"home\",\"referrer\":\"album\",\"load_ms\":").append(50 + random.nextInt(2000));
        } else {
            line.append("\"song_id\":\"song-").append(String.format(Locale.ROOT, "%07d", random.nextInt(10_000_000)))
                    .append("\",\"genre\":\"rock\",\"duration_ms\":").append(90_000 + random.nextInt(300_000))
                    .append(",\"source\":\"playlist\"");
        }
        return line.append("}}").toString();
    }

    /**
     * Writes one random record as JSON text (by hand, so that it can hold duplicate keys and odd spacing): mostly
     * valid events, with every kind of field the rules treat differently, in every form.
     */
    private static final class RecordGenerator {
        private static final String[] STRINGS = {"a", "Played Song", "Zoë – ☕ 日本", "🎵 song", "tab\\there", "quote\\\"s",
                "back\\\\slash", "\\u00e9t\\u00e9", "\\ud83c\\udfb5", "lone \\ud800 surrogate", "line\\nbreak", "\\u0000nul", " ", "0",
                "null", "true", "1709294400000", "2024-03-01T12:00:00Z", "x".repeat(1025), "é".repeat(1100), "/", "\\/"};
        private static final String[] NUMBERS = {"0", "-0", "1", "-1", "42", "2147483647", "2147483648", "-2147483649",
                "9223372036854775807", "-9223372036854775808", "1.5", "2.0", "1e1", "1E-5", "-0.0", "0.1",
                "1.7976931348623157E308", "12345678901234567890.0", "3.14159", "1e18", "1e19", "100000000000", "1709294400000.0"};
        /** Numbers the line path declines wherever they are: kept rare, so that most records are compared. */
        private static final String[] UNUSUAL_NUMBERS = {"9223372036854775808", "123456789012345678901234", "1e400", "-1e400"};
        private static final String[] KNOWN = {"platform", "os_name", "os_version", "country", "city", "region", "language",
                "device_model", "productId", "revenueType", "idfa", "adid", "plan", "dma"};
        private static final String[] RENAMED = {"app_version", "version_name", "ip", "ip_address", "carrier", "device_carrier"};
        private static final String[] EXPORT_ONLY = {"amplitude_id", "uuid", "server_upload_time", "client_event_time",
                "data", "library", "$schema", "paying", "device_type", "global_user_properties"};
        private static final String[] UNKNOWN = {"color", "score", "song", "plan_name", "a", "z", "Zoë", "source", "reason",
                "nested", "list", "k".repeat(1030), "", "event properties"};
        private static final String[] PROPERTY_KEYS = {"a", "b", "song", "score", "color", "z", "A", "é", "日本", "\\u00e9",
                "", "k".repeat(1030), "a\\u0000"};

        private final Random random;
        private final List<String> members = new ArrayList<>();
        private final java.util.Set<String> used = new java.util.HashSet<>();

        RecordGenerator(Random random) {
            this.random = random;
        }

        private boolean chance(int percent) {
            return random.nextInt(100) < percent;
        }

        private <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }

        String record() {
            if (chance(1)) {
                return pick(new String[]{"[1,2]", "42", "\"text\"", "null", "{}", "{\"a\":}", "{\"a\":1} x", "{} {}"});
            }
            member("event_type", chance(92) ? "\"" + pick(new String[]{"play", "Played Song", "$identify", "日本 event"}) + "\"" : scalar());
            id("device_id", "device-");
            id("user_id", "user-");
            time();
            insertId();
            for (int i = random.nextInt(5); i > 0; i--) {
                member(fresh(KNOWN), chance(80) ? scalar() : value(2));
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                member(fresh(RENAMED), chance(85) ? "\"" + pick(STRINGS) + "\"" : scalar());
            }
            typed();
            for (int i = random.nextInt(4); i > 0; i--) {
                member(fresh(EXPORT_ONLY), chance(50) ? scalar() : value(3));
            }
            if (chance(30)) {
                for (int i = random.nextInt(4) + 1; i > 0; i--) {
                    member(fresh(UNKNOWN), chance(70) ? scalar() : value(3));
                }
            }
            for (String name : AmplitudeFields.PROPERTY_OBJECTS) {
                if (chance(name.equals("event_properties") ? 75 : 30)) {
                    member(name, propertyObject());
                }
            }
            if (chance(3) && !members.isEmpty()) {
                members.add(members.get(random.nextInt(members.size()))); // a duplicate key
            }
            Collections.shuffle(members, random);
            return space() + "{" + space() + String.join(space() + "," + space(), members) + space() + "}" + space();
        }

        private String space() {
            return chance(90) ? "" : pick(new String[]{" ", "  ", "\t", " \r\n "});
        }

        /** A name from names the record does not have yet, so that duplicates come only where they are meant to. */
        private String fresh(String[] names) {
            String name = pick(names);
            while (used.contains(name)) {
                name = pick(names);
            }
            return name;
        }

        private void member(String name, String value) {
            used.add(name);
            members.add("\"" + name + "\"" + space() + ":" + space() + value);
        }

        private void id(String name, String prefix) {
            if (chance(75)) {
                member(name, "\"" + prefix + random.nextInt(100000) + "\"");
            } else if (chance(50)) {
                member(name, pick(new String[]{"1234567", "98765", "42", "-1", "0", "null", "\"\"", "\"NULL\"", "\"Unknown\"",
                        "\"ab\"", "\"00000000-0000-0000-0000-000000000000\"", "true", "1.5", "123456789012345678901234",
                        "\"" + pick(STRINGS) + "\"", "\"dev-é-12345\""}));
            }
        }

        private void time() {
            String[] forms = {"1709294400000", "1709294400123", "1709294400", "1.7092944E12", "1709294400000.0", "1709294400000.5",
                    "\"1709294400000\"", "\" 1709294400000 \"", "\"1709294400\"", "\"2024-03-01T12:00:00Z\"", "\"2024-03-01 12:00:00.123456\"",
                    "\"2024-03-01T14:00:00+02:00\"", "\"1960-01-01T00:00:00Z\"", "\"yesterday\"", "null", "\"\"", "true",
                    "99999999999", "100000000000", "-1709294400000", "9223372036854775807", "9.3e18", "{}", "[1709294400000]",
                    // sizes of other units, times ahead of the fixed now (2026-12-04T12:00Z) and before 1970
                    "1709294400000000", "\"1709294400000000\"", "1709294400000000000", "\"1709294400000000000\"",
                    "\"17092944000000000000\"", "99999999999999", "100000000000000", "1.7092944E15", "1709294400.5", "\"1709294400.5\"",
                    "1796472000000", "1796472000001", "\"1796472000000\"", "1.796472000001E12", "32503680000000", "1830000000000",
                    "\"2026-12-05T12:00:00Z\"", "\"2026-12-05T12:00:00.001Z\"", "\"3000-01-01T00:00:00Z\"", "\"+10000-01-01T00:00:00Z\"",
                    "\"10000-01-01T00:00:00Z\"", "\"+275760-09-13T00:00:00Z\"", "\"2026-12-05 12:00:00.000001\"",
                    "-5", "-0", "\"-5\"", "\"1969-12-31T23:59:59.999Z\"", "\"-0001-01-01T00:00:00Z\"", "\"1970-01-01T00:00:00Z\"",
                    "\"1.7092944E12\"", "\"1709294400000.0\""};
            String value = chance(70) ? "" + (1_600_000_000_000L + random.nextInt(1_000_000_000)) : pick(forms);
            int where = random.nextInt(100);
            if (where < 70) {
                member("time", value);
            } else if (where < 90) {
                member("event_time", value);
            } else if (where < 98) {
                member("time", value);
                member("event_time", chance(50) ? pick(forms) : "null");
            }
        }

        private void insertId() {
            int where = random.nextInt(100);
            String value = chance(80) ? "\"ins-" + random.nextInt(1000) + "\""
                    : pick(new String[]{"42", "null", "\"\"", "1.5", "true", "{}", "\"" + pick(STRINGS) + "\""});
            if (where < 20) {
                member("insert_id", value);
            } else if (where < 40) {
                member("$insert_id", value);
            } else if (where < 50) {
                member("insert_id", chance(50) ? value : "null");
                member("$insert_id", "\"exp-" + random.nextInt(1000) + "\"");
            }
        }

        private void typed() {
            if (chance(20)) {
                member(chance(50) ? "session_id" : "event_id", chance(70) ? "1709294300000" : pick(NUMBERS));
            }
            if (chance(15)) {
                member("quantity", chance(60) ? "3" : chance(50) ? pick(NUMBERS) : "\"3\"");
            }
            if (chance(20)) {
                member(pick(new String[]{"price", "revenue", "location_lat", "location_lng"}),
                        chance(80) ? pick(NUMBERS) : "\"" + pick(new String[]{"9.99", "abc", "-5", "NaN"}) + "\"");
            }
            if (chance(15)) {
                member("$skip_user_properties_sync", pick(new String[]{"true", "false", "null", "\"TRUE\"", "\"\"", "1"}));
            }
        }

        private String propertyObject() {
            int kind = random.nextInt(100);
            if (kind < 80) {
                return object(random.nextInt(4) + 1);
            }
            if (kind < 86) {
                int levels = 38 + random.nextInt(5); // around the 40-level limit
                return "{\"deep\":" + "[".repeat(levels - 1) + "1" + "]".repeat(levels - 1) + "}";
            }
            return pick(new String[]{"{}", "null", "\"\"", "\"{\\\"plan\\\":\\\"pro\\\"}\"", "[1,2]", "5", "{\"a\":1,\"a\":2}"});
        }

        private String object(int depth) {
            List<String> fields = new ArrayList<>();
            List<String> keys = new ArrayList<>(List.of(PROPERTY_KEYS));
            Collections.shuffle(keys, random);
            for (int i = random.nextInt(6); i > 0; i--) {
                // now and then a key twice
                String key = chance(3) ? pick(PROPERTY_KEYS) : keys.get(i);
                fields.add("\"" + key + "\"" + space() + ":" + space() + value(depth - 1));
            }
            return "{" + String.join("," + space(), fields) + "}";
        }

        private String value(int depth) {
            int kind = random.nextInt(100);
            if (depth <= 0 || kind < 70) {
                return scalar();
            }
            if (kind < 85) {
                return object(depth);
            }
            List<String> elements = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                elements.add(value(depth - 1));
            }
            return "[" + String.join("," + space(), elements) + "]";
        }

        private String scalar() {
            int kind = random.nextInt(100);
            if (kind < 50) {
                return "\"" + pick(STRINGS) + "\"";
            }
            if (kind < 80) {
                return chance(2) ? pick(UNUSUAL_NUMBERS) : pick(NUMBERS);
            }
            if (kind < 88) {
                return random.nextBoolean() ? "true" : "false";
            }
            if (kind < 95) {
                return "null";
            }
            return "\"\"";
        }
    }
}
