package io.ampfill.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.source.Utf8;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Derived insert_ids must never change between versions: a re-run with a newer ampfill must still be
 * deduplicated by Amplitude against what an older one sent. These ids are pinned.
 */
class ContentInsertIdTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keeps_the_ids_it_derived_before() throws Exception {
        assertThat(idOf("{\"event_type\":\"Played Song\",\"device_id\":\"device-0001\",\"time\":1700000000000,"
                + "\"event_properties\":{\"seq\":3,\"price\":4.5,\"big\":12345678901234,\"ok\":true,\"none\":null,"
                + "\"list\":[1,\"two\",{\"z\":1,\"a\":2}],\"name\":\"Zoë – ☕ 日本\"}}"))
                .isEqualTo(PINNED_1);
        assertThat(idOf("{\"user_id\":\"user-42\",\"event_type\":\"$identify\",\"time\":1,"
                + "\"user_properties\":{\"$set\":{\"plan\":\"gold\",\"n\":10.0}}}"))
                .isEqualTo(PINNED_2);
    }

    @Test
    void does_not_depend_on_key_order_or_number_spelling() throws Exception {
        assertThat(idOf("{\"a\":1,\"b\":{\"y\":2.0,\"x\":\"s\"}}"))
                .isEqualTo(idOf("{\"b\":{\"x\":\"s\",\"y\":2},\"a\":1}"));
    }

    @Test
    void gives_text_that_differs_only_in_a_lone_surrogate_an_id_of_its_own() throws Exception {
        // getBytes(UTF_8) made each lone surrogate '?': these four were one id
        java.util.List<String> ids = java.util.stream.Stream.of("\\ud800", "\\ud801", "\\udc00", "?", "\\ufffd", "\\ud800\\udc00")
                .map(text -> {
                    try {
                        return idOf("{\"event_type\":\"play\",\"event_properties\":{\"s\":\"" + text + "\"}}");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(Utf8.encode("Zoë – ☕ 日本 \ud83c\udfb5")).as("well-formed text: its UTF-8")
                .isEqualTo("Zoë – ☕ 日本 \ud83c\udfb5".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String idOf(String json) throws Exception {
        return ContentInsertId.of((ObjectNode) JSON.readTree(json));
    }

    static final String PINNED_1 = "af-uim8QEeB2NUIxVQ0U65-97izsdAVDWbh";
    static final String PINNED_2 = "af-LXtHIl7gPQndrNhfg_h2Dz55FAhhzih0";
}
