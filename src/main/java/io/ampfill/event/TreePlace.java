package io.ampfill.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.function.Predicate;

/**
 * Where in an event the first value (or field name) a test picks lies, named as a user would look for it:
 * {@code event_properties.tags[1]}, or "a field name in user_properties.$set". Walked only for a rejection's
 * reason, once something is known to be there.
 */
record TreePlace(String path, JsonNode value, String name) {

    /** The place of the first value that value accepts, or field name that name accepts; null if none. */
    static TreePlace first(JsonNode root, Predicate<JsonNode> value, Predicate<String> name) {
        return find(root, "", value, name);
    }

    /** The top-level field it is in: a rejection's field. */
    String field() {
        int end = path.length();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '.' || path.charAt(i) == '[') {
                end = i;
                break;
            }
        }
        return end == 0 ? null : path.substring(0, end);
    }

    /** As a reason names it. */
    String described() {
        return name != null ? "a field name in " + path : path;
    }

    private static TreePlace find(JsonNode node, String path, Predicate<JsonNode> value, Predicate<String> name) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (name.test(field.getKey())) {
                    return new TreePlace(path, null, field.getKey());
                }
                TreePlace found = find(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), value, name);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                TreePlace found = find(node.get(i), path + "[" + i + "]", value, name);
                if (found != null) {
                    return found;
                }
            }
        } else if (value.test(node)) {
            return new TreePlace(path, node, null);
        }
        return null;
    }
}
