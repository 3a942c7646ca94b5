package io.ampfill.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TreeMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000";

    private final TreeMapper mapper = new TreeMapper(new MappingSettings());

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private MappedEvent mapped(TreeMapper mapper, String json) {
        MappingResult result = mapper.map(parse(json));
        assertThat(result).isInstanceOf(MappedEvent.class);
        return (MappedEvent) result;
    }

    private JsonNode sent(String json) {
        return parse(new String(mapped(mapper, json).json(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private Rejection rejected(String json) {
        MappingResult result = mapper.map(parse(json));
        assertThat(result).isInstanceOf(Rejection.class);
        return (Rejection) result;
    }

    @Test
    void rejects_anything_but_a_json_object() {
        assertThat(mapper.map(parse("[1]"))).isEqualTo(new Rejection(null, "not a JSON object"));
        assertThat(mapper.map(parse("\"x\""))).isEqualTo(new Rejection(null, "not a JSON object"));
        assertThat(mapper.map(null)).isEqualTo(new Rejection(null, "not a JSON object"));
    }

    @Test
    void sends_a_valid_event_as_compact_json_with_its_ids() {
        MappedEvent event = mapped(mapper, "{" + BASE + ",\"user_id\":\"user-1\",\"insert_id\":\"ins-1\",\"platform\":\"iOS\"}");
        assertThat(new String(event.json(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000,\"user_id\":\"user-1\",\"insert_id\":\"ins-1\",\"platform\":\"iOS\"}");
        assertThat(event.deviceId()).isEqualTo("device-1");
        assertThat(event.userId()).isEqualTo("user-1");
        assertThat(event.insertId()).isEqualTo("ins-1");
        assertThat(event.deviceKey()).isEqualTo("device-1");
        assertThat(event.truncatedStrings()).isZero();
    }

    @Test
    void keys_the_lane_by_user_id_when_there_is_no_device_id() {
        MappedEvent event = mapped(mapper, "{\"event_type\":\"play\",\"user_id\":\"user-1\",\"time\":1709294400000}");
        assertThat(event.deviceId()).isNull();
        assertThat(event.deviceKey()).isEqualTo("user:user-1");
    }

    @Test
    void does_not_change_the_record_it_maps() {
        JsonNode record = parse("{" + BASE + ",\"time\":\"2024-03-01T12:00:00Z\",\"color\":\"red\",\"event_properties\":{\"a\":1},\"amplitude_id\":5}");
        JsonNode copy = record.deepCopy();
        mapper.map(record);
        assertThat(record).isEqualTo(copy);
        JsonNode rejectedRecord = parse("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"$insert_id\":\"x\",\"extra\":1}");
        JsonNode rejectedCopy = rejectedRecord.deepCopy();
        assertThat(mapper.map(rejectedRecord)).isInstanceOf(Rejection.class);
        assertThat(rejectedRecord).isEqualTo(rejectedCopy);
    }

    @Test
    void renames_export_file_fields_to_upload_names() {
        JsonNode event = sent("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"event_time\":\"2024-03-01 12:00:00.123456\","
                + "\"$insert_id\":\"exp-1\",\"version_name\":\"1.2\",\"ip_address\":\"1.2.3.4\",\"device_carrier\":\"Acme\"}");
        assertThat(event.toString()).isEqualTo("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400123,"
                + "\"insert_id\":\"exp-1\",\"app_version\":\"1.2\",\"ip\":\"1.2.3.4\",\"carrier\":\"Acme\"}");
    }

    @Test
    void prefers_the_upload_name_when_a_record_has_both_names() {
        JsonNode event = sent("{" + BASE + ",\"$insert_id\":\"export\",\"insert_id\":\"upload\",\"event_time\":\"2020-01-01 00:00:00\",\"ip\":\"9.9.9.9\",\"ip_address\":\"1.1.1.1\"}");
        assertThat(event.get("insert_id").asText()).isEqualTo("upload");
        assertThat(event.get("time").asLong()).isEqualTo(1709294400000L);
        assertThat(event.get("ip").asText()).isEqualTo("9.9.9.9");
    }

    @Test
    void drops_export_only_fields_silently() {
        JsonNode event = sent("{" + BASE + ",\"amplitude_id\":123,\"uuid\":\"u\",\"server_upload_time\":\"2024-03-01 12:00:01\","
                + "\"client_event_time\":\"x\",\"$schema\":12,\"data\":{\"a\":1},\"library\":\"http/2.0\",\"paying\":null,"
                + "\"global_user_properties\":{},\"device_family\":\"Apple iPhone\",\"device_type\":\"iPhone 12\",\"sample_rate\":null}");
        assertThat(event.has("event_properties")).isFalse();
        assertThat(event.size()).isEqualTo(4);
    }

    @Test
    void moves_an_unknown_top_level_field_into_event_properties() {
        JsonNode event = sent("{" + BASE + ",\"color\":\"red\",\"score\":3,\"event_properties\":{\"plan\":\"pro\"}}");
        assertThat(event.has("color")).isFalse();
        assertThat(event.get("event_properties").toString()).isEqualTo("{\"plan\":\"pro\",\"color\":\"red\",\"score\":3}");
    }

    @Test
    void creates_event_properties_for_unknown_fields_when_the_record_has_none() {
        assertThat(sent("{" + BASE + ",\"color\":\"red\"}").get("event_properties").toString()).isEqualTo("{\"color\":\"red\"}");
    }

    @Test
    void keeps_event_properties_value_over_a_top_level_field_of_the_same_name() {
        assertThat(sent("{" + BASE + ",\"plan\":\"top\",\"event_properties\":{\"plan\":\"inside\"}}").get("event_properties").toString())
                .isEqualTo("{\"plan\":\"inside\"}");
    }

    @Test
    void leaves_out_top_level_nulls_and_empty_strings() {
        JsonNode event = sent("{" + BASE + ",\"user_id\":null,\"platform\":\"\",\"city\":null,\"color\":\"\",\"event_properties\":{\"x\":null}}");
        assertThat(event.has("user_id")).isFalse();
        assertThat(event.has("platform")).isFalse();
        assertThat(event.has("city")).isFalse();
        assertThat(event.get("event_properties").toString()).isEqualTo("{\"x\":null}");
    }

    @Test
    void converts_csv_strings_to_the_types_amplitude_wants() {
        JsonNode event = sent("{\"event_type\":\"buy\",\"device_id\":\"device-1\",\"time\":\"1709294400000\",\"session_id\":\"1709294300000\","
                + "\"event_id\":\"7\",\"price\":\"9.99\",\"revenue\":\"-5\",\"location_lat\":\"52.52\",\"location_lng\":\"13.4\","
                + "\"quantity\":\"3\",\"$skip_user_properties_sync\":\"TRUE\",\"event_properties\":\"{\\\"plan\\\":\\\"pro\\\"}\","
                + "\"user_properties\":\"{\\\"$set\\\":{\\\"age\\\":3}}\",\"groups\":\"{\\\"company\\\":\\\"acme\\\"}\",\"group_properties\":\"{}\"}");
        assertThat(event.get("time").isIntegralNumber()).isTrue();
        assertThat(event.get("session_id").asLong()).isEqualTo(1709294300000L);
        assertThat(event.get("event_id").isIntegralNumber()).isTrue();
        assertThat(event.get("price").isNumber()).isTrue();
        assertThat(event.get("price").asDouble()).isEqualTo(9.99);
        assertThat(event.get("revenue").asInt()).isEqualTo(-5);
        assertThat(event.get("location_lat").asDouble()).isEqualTo(52.52);
        assertThat(event.get("quantity").isInt()).isTrue();
        assertThat(event.get("$skip_user_properties_sync").isBoolean()).isTrue();
        assertThat(event.get("event_properties").get("plan").asText()).isEqualTo("pro");
        assertThat(event.get("user_properties").get("$set").get("age").asInt()).isEqualTo(3);
        assertThat(event.get("groups").isObject()).isTrue();
        assertThat(event.get("group_properties").isObject()).isTrue();
    }

    @Test
    void turns_integral_ids_into_strings() {
        JsonNode event = sent("{\"event_type\":\"play\",\"user_id\":1234567,\"device_id\":98765,\"insert_id\":42,\"time\":1709294400000}");
        assertThat(event.get("user_id").isTextual()).isTrue();
        assertThat(event.get("user_id").asText()).isEqualTo("1234567");
        assertThat(event.get("device_id").asText()).isEqualTo("98765");
        assertThat(event.get("insert_id").asText()).isEqualTo("42");
    }

    @Test
    void rejects_a_value_that_cannot_be_converted_naming_field_and_value() {
        assertThat(rejected("{" + BASE + ",\"price\":\"abc\"}")).isEqualTo(new Rejection("price", "price is not a number: \"abc\""));
        assertThat(rejected("{" + BASE + ",\"price\":\"NaN\"}").reason()).isEqualTo("price is not a number: \"NaN\"");
        assertThat(rejected("{" + BASE + ",\"revenue\":1e999}").field()).isEqualTo("revenue");
        assertThat(rejected("{" + BASE + ",\"quantity\":\"1.5\"}")).isEqualTo(new Rejection("quantity", "quantity is not an integer: \"1.5\""));
        assertThat(rejected("{" + BASE + ",\"quantity\":\"3000000000\"}").field()).isEqualTo("quantity");
        assertThat(rejected("{" + BASE + ",\"session_id\":true}").reason()).isEqualTo("session_id is not an integer: true");
        assertThat(rejected("{" + BASE + ",\"$skip_user_properties_sync\":\"yes\"}").field()).isEqualTo("$skip_user_properties_sync");
        assertThat(rejected("{" + BASE + ",\"user_id\":true}").reason()).isEqualTo("user_id is not a string: true");
        assertThat(rejected("{" + BASE + ",\"event_type\":5}").reason()).isEqualTo("event_type is not a string: 5");
    }

    @Test
    void rejects_property_text_that_is_not_a_json_object() {
        assertThat(rejected("{" + BASE + ",\"event_properties\":\"{broken\"}")).satisfies(r -> {
            assertThat(r.field()).isEqualTo("event_properties");
            assertThat(r.reason()).startsWith("event_properties is not a JSON object");
        });
        assertThat(rejected("{" + BASE + ",\"user_properties\":[1,2]}").reason()).startsWith("user_properties is not a JSON object");
        assertThat(rejected("{" + BASE + ",\"groups\":\"[1]\"}").reason()).startsWith("groups is not a JSON object");
    }

    @Test
    void rejects_a_record_without_time() {
        assertThat(rejected("{\"event_type\":\"play\",\"device_id\":\"device-1\"}"))
                .isEqualTo(new Rejection("time", "missing field time (a backfilled event needs its real time)"));
        assertThat(rejected("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":\"\"}").field()).isEqualTo("time");
    }

    @Test
    void reads_iso_timestamps_in_every_accepted_form_as_epoch_milliseconds() {
        long noon = 1709294400000L;
        assertThat(timeOf("\"2024-03-01T12:00:00Z\"")).isEqualTo(noon);
        assertThat(timeOf("\"2024-03-01T14:00:00+02:00\"")).isEqualTo(noon);
        assertThat(timeOf("\"2024-03-01T07:00:00-0500\"")).isEqualTo(noon);
        assertThat(timeOf("\"2024-03-01T12:00:00.250Z\"")).isEqualTo(noon + 250);
        assertThat(timeOf("\"2024-03-01 12:00:00.123456\"")).isEqualTo(noon + 123);
        assertThat(timeOf("\"2024-03-01T12:00:00\"")).as("no zone is UTC").isEqualTo(noon);
        assertThat(timeOf("\"1709294400000\"")).isEqualTo(noon);
        assertThat(timeOf("1.7092944E12")).isEqualTo(noon);
    }

    private long timeOf(String time) {
        return sent("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":" + time + "}").get("time").asLong();
    }

    @Test
    void rejects_a_time_that_is_neither_milliseconds_nor_iso() {
        for (String bad : new String[] {"\"yesterday\"", "\"2024-02-30T12:00:00Z\"", "\"2024-03-01T25:00:00Z\"", "\"2024-03-01\"",
                "\"2024-03-01T12:00:00 UTC\"", "{}", "true"}) {
            Rejection rejection = rejected("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":" + bad + "}");
            assertThat(rejection.field()).isEqualTo("time");
            assertThat(rejection.reason()).as(bad).isEqualTo("time is not epoch milliseconds or an ISO-8601 timestamp: " + bad);
        }
    }

    @Test
    void rejects_a_time_with_a_fraction_of_a_millisecond() {
        assertThat(rejected("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000.5}").reason())
                .startsWith("time is not whole milliseconds");
    }

    @Test
    void rejects_a_time_in_seconds() {
        assertThat(rejected("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1700000000}"))
                .isEqualTo(new Rejection("time", "time looks like seconds, not milliseconds: 1700000000"));
        assertThat(rejected("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":\"1700000000\"}").reason())
                .isEqualTo("time looks like seconds, not milliseconds: 1700000000");
    }

    @Test
    void rejects_text_with_a_lone_surrogate_naming_where_it_is() {
        String lone = " holds a lone surrogate %s (half of a UTF-16 pair)";
        assertThat(rejected("{" + BASE + ",\"event_properties\":{\"song\":\"x\\ud800\"}}")).isEqualTo(
                new Rejection("event_properties", "not valid Unicode: event_properties.song" + lone.formatted("\\ud800")));
        assertThat(rejected("{" + BASE + ",\"event_properties\":{\"tags\":[\"a\",\"\\udc00\"]}}").reason())
                .isEqualTo("not valid Unicode: event_properties.tags[1]" + lone.formatted("\\udc00"));
        assertThat(rejected("{" + BASE + ",\"user_properties\":{\"$set\":{\"a\\udbff\":1}}}").reason())
                .isEqualTo("not valid Unicode: a field name in user_properties.$set" + lone.formatted("\\udbff"));
        assertThat(rejected("{" + BASE + ",\"user_id\":\"user-\\ud800\\ud800\"}")).isEqualTo(
                new Rejection("user_id", "not valid Unicode: user_id" + lone.formatted("\\ud800")));
        assertThat(rejected("{" + BASE + ",\"color\":\"\\udfff\"}").reason()).as("moved into event_properties")
                .isEqualTo("not valid Unicode: event_properties.color" + lone.formatted("\\udfff"));
        assertThat(rejected("{" + BASE + ",\"insert_id\":\"ins-\\udfff\"}").field()).isEqualTo("insert_id");
        assertThat(sent("{" + BASE + ",\"event_properties\":{\"song\":\"\\ud83c\\udfb5 \\\\ud800\"}}").get("event_properties").get("song").asText())
                .as("a pair, and the text of an escape, are fine").isEqualTo("\ud83c\udfb5 \\ud800");
    }

    @Test
    void rejects_a_record_without_event_type() {
        assertThat(rejected("{\"device_id\":\"device-1\",\"time\":1709294400000}")).isEqualTo(new Rejection("event_type", "missing field event_type"));
        assertThat(rejected("{\"event_type\":\"\",\"device_id\":\"device-1\",\"time\":1709294400000}").field()).isEqualTo("event_type");
    }

    @Test
    void accepts_identify_events() {
        assertThat(sent("{\"event_type\":\"$identify\",\"user_id\":\"user-1\",\"time\":1709294400000,\"user_properties\":{\"$set\":{\"plan\":\"pro\"}}}")
                .get("event_type").asText()).isEqualTo("$identify");
    }

    @Test
    void rejects_a_record_without_user_id_or_device_id() {
        assertThat(rejected("{\"event_type\":\"play\",\"time\":1709294400000}")).isEqualTo(new Rejection(null, "missing field user_id or device_id"));
    }

    @Test
    void rejects_ids_shorter_than_the_minimum_length() {
        assertThat(rejected("{\"event_type\":\"play\",\"device_id\":\"abc\",\"time\":1709294400000}"))
                .isEqualTo(new Rejection("device_id", "device_id \"abc\" is shorter than 5 characters"));
        TreeMapper lenient = new TreeMapper(new MappingSettings().minIdLength(3));
        assertThat(lenient.map(parse("{\"event_type\":\"play\",\"device_id\":\"abc\",\"time\":1709294400000}"))).isInstanceOf(MappedEvent.class);
    }

    @Test
    void rejects_placeholder_ids_amplitude_refuses_in_any_case() {
        assertThat(rejected("{\"event_type\":\"play\",\"user_id\":\"null\",\"device_id\":\"device-1\",\"time\":1709294400000}"))
                .isEqualTo(new Rejection("user_id", "user_id \"null\" is a placeholder Amplitude refuses"));
        for (String placeholder : new String[] {"Anonymous", "UNDEFINED", "unknown", "00000000-0000-0000-0000-000000000000", "LMY47D", "-1", "n/a"}) {
            assertThat(rejected("{\"event_type\":\"play\",\"device_id\":\"" + placeholder + "\",\"time\":1709294400000}").reason())
                    .as(placeholder).endsWith("is a placeholder Amplitude refuses");
        }
        assertThat(rejected("{\"event_type\":\"play\",\"device_id\":0,\"time\":1709294400000}").reason())
                .isEqualTo("device_id \"0\" is a placeholder Amplitude refuses");
    }

    @Test
    void accepts_property_objects_nested_40_deep_and_rejects_41() {
        assertThat(mapper.map(parse("{" + BASE + ",\"event_properties\":" + nested(40) + "}"))).isInstanceOf(MappedEvent.class);
        assertThat(rejected("{" + BASE + ",\"event_properties\":" + nested(41) + "}"))
                .isEqualTo(new Rejection("event_properties", "event_properties is nested deeper than 40 levels"));
        assertThat(rejected("{" + BASE + ",\"user_properties\":" + nested(41) + "}").field()).isEqualTo("user_properties");
    }

    private static String nested(int levels) {
        return "{\"a\":".repeat(levels - 1) + "{\"leaf\":1}" + "}".repeat(levels - 1);
    }

    @Test
    void counts_strings_longer_than_1024_characters_without_changing_them() {
        String longText = "x".repeat(1025);
        MappedEvent event = mapped(mapper, "{" + BASE + ",\"platform\":\"" + longText + "\",\"event_properties\":{\"a\":\"" + longText
                + "\",\"b\":[\"" + longText + "\",\"" + "y".repeat(1024) + "\"]}}");
        assertThat(event.truncatedStrings()).isEqualTo(3);
        assertThat(parse(new String(event.json(), java.nio.charset.StandardCharsets.UTF_8)).get("platform").asText()).isEqualTo(longText);
    }

    @Test
    void keeps_a_given_insert_id() {
        assertThat(mapped(mapper, "{" + BASE + ",\"insert_id\":\"mine-1\"}").insertId()).isEqualTo("mine-1");
    }

    @Test
    void derives_the_same_insert_id_for_the_same_record_in_csv_and_json_form() {
        String csvForm = "{\"event_type\":\"buy\",\"device_id\":\"device-1\",\"user_id\":\"12345\",\"time\":\"2024-03-01T12:00:00Z\","
                + "\"price\":\"10\",\"quantity\":\"2\",\"event_properties\":{\"plan\":\"pro\",\"seats\":\"3\",\"trial\":\"false\"},\"color\":\"red\"}";
        String jsonForm = "{\"color\":\"red\",\"price\":10.0,\"quantity\":2,\"user_id\":12345,\"time\":1709294400000,"
                + "\"event_properties\":{\"trial\":false,\"seats\":3,\"plan\":\"pro\"},\"device_id\":\"device-1\",\"event_type\":\"buy\"}";
        String insertId = mapped(mapper, csvForm).insertId();
        assertThat(insertId).startsWith("af-").hasSize(35);
        assertThat(insertId.substring(3)).matches("[A-Za-z0-9_-]{32}");
        assertThat(mapped(mapper, jsonForm).insertId()).isEqualTo(insertId);
        assertThat(mapped(mapper, csvForm).insertId()).as("deterministic").isEqualTo(insertId);
    }

    @Test
    void derives_different_insert_ids_for_different_records() {
        String a = mapped(mapper, "{" + BASE + ",\"event_properties\":{\"n\":1}}").insertId();
        String b = mapped(mapper, "{" + BASE + ",\"event_properties\":{\"n\":2}}").insertId();
        String c = mapped(mapper, "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400001,\"event_properties\":{\"n\":1}}").insertId();
        String nested = mapped(mapper, "{" + BASE + ",\"event_properties\":{\"n\":[\"1\",\"2\"]}}").insertId();
        String flat = mapped(mapper, "{" + BASE + ",\"event_properties\":{\"n\":\"1,2\"}}").insertId();
        assertThat(java.util.Set.of(a, b, c, nested, flat)).hasSize(5);
    }

    @Test
    void derives_the_insert_id_before_adding_skip_user_properties_sync() {
        TreeMapper skipping = new TreeMapper(new MappingSettings().skipUserPropertiesSync(true));
        MappedEvent plain = mapped(mapper, "{" + BASE + "}");
        MappedEvent skipped = mapped(skipping, "{" + BASE + "}");
        assertThat(skipped.insertId()).isEqualTo(plain.insertId());
    }

    @Test
    void adds_skip_user_properties_sync_when_set_and_keeps_an_explicit_value() {
        TreeMapper skipping = new TreeMapper(new MappingSettings().skipUserPropertiesSync(true));
        JsonNode added = parse(new String(mapped(skipping, "{" + BASE + "}").json(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(added.get("$skip_user_properties_sync").asBoolean()).isTrue();
        JsonNode explicit = parse(new String(mapped(skipping, "{" + BASE + ",\"$skip_user_properties_sync\":false}").json(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(explicit.get("$skip_user_properties_sync").asBoolean()).isFalse();
        assertThat(sent("{" + BASE + "}").has("$skip_user_properties_sync")).isFalse();
    }

    @Test
    void maps_the_same_record_the_same_way_from_many_threads() throws Exception {
        ObjectNode record = (ObjectNode) parse("{" + BASE + ",\"event_properties\":{\"n\":1,\"s\":\"x\"}}");
        String expected = mapped(mapper, record.toString()).insertId();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<String>> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ids.add(pool.submit(() -> ((MappedEvent) mapper.map(record)).insertId()));
            }
            for (java.util.concurrent.Future<String> id : ids) {
                assertThat(id.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdown();
        }
    }
}
