package io.ampfill.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.source.Utf8;

import java.util.Locale;

/**
 * Text with a lone surrogate: half of a UTF-16 pair, alone, as a JSON escape of one (backslash, u, d800) or bytes
 * that encode a surrogate can give. It is no Unicode character, has no UTF-8 form and Amplitude cannot store it: it
 * would keep something else (U+FFFD, '?'), so two events that differ only there would arrive the same, or the
 * request would be refused. Such an event is refused here with the place, as invalid UTF-8 is by the readers,
 * so the user can mend the text; sending it would change it silently.
 */
final class LoneSurrogates {
    private static final int HIGH = 0xD800;
    private static final int LOW = 0xDC00;
    private static final int END = 0xE000;

    private LoneSurrogates() {
    }

    /**
     * Whether Jackson's JSON of an event holds a lone surrogate. Jackson writes no surrogate as UTF-8 but each as a
     * \\u escape (a pair as two), so scanning the escapes finds them with no walk of the tree; most events have none.
     */
    static boolean inJson(byte[] json) {
        for (int i = 0; i < json.length; i++) {
            if (json[i] != '\\') {
                continue;
            }
            if (json[i + 1] != 'u') {
                i++; // an escaped quote, backslash or control character
                continue;
            }
            int unit = hex(json, i + 2);
            if (unit >= LOW && unit < END) {
                return true;
            }
            if (unit >= HIGH && unit < LOW) {
                boolean paired = i + 11 < json.length && json[i + 6] == '\\' && json[i + 7] == 'u'
                        && hex(json, i + 8) >= LOW && hex(json, i + 8) < END;
                if (!paired) {
                    return true;
                }
                i += 6;
            }
            i += 5;
        }
        return false;
    }

    private static int hex(byte[] json, int at) {
        int value = 0;
        for (int k = at; k < at + 4; k++) {
            value = value << 4 | Character.digit(json[k], 16);
        }
        return value;
    }

    /** The rejection of an event holding a lone surrogate, naming where: "event_properties.name", "a field name in groups". */
    static Rejection rejection(JsonNode event) {
        TreePlace place = TreePlace.first(event, v -> v.isTextual() && escape(v.textValue()) != null, name -> escape(name) != null);
        if (place == null) {
            throw new IllegalStateException("the event's JSON escapes a lone surrogate, its tree has none");
        }
        String unit = escape(place.name() != null ? place.name() : place.value().textValue());
        return new Rejection(place.field(), "not valid Unicode: " + place.described() + " holds a lone surrogate " + unit + " (half of a UTF-16 pair)");
    }

    private static String escape(String text) {
        int at = Utf8.loneSurrogate(text);
        return at < 0 ? null : String.format(Locale.ROOT, "\\u%04x", (int) text.charAt(at));
    }
}
