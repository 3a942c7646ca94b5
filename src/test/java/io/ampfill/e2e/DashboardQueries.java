package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a Grafana dashboard's PromQL queries (its panels' targets and its variables) read. */
final class DashboardQueries {
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern GROUPINGS = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern SELECTORS = Pattern.compile("\\{[^}]*}|\\[[^\\]]*\\]");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

    private DashboardQueries() {
    }

    static Set<String> metrics(JsonNode dashboard) {
        Set<String> metrics = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            metrics.addAll(inQuery(expr.asText()));
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
            if (m.find()) {
                metrics.add(m.group(1));
            }
        }
        return metrics;
    }

    /** The metric names of one query: what is left once strings, label matchers, ranges and groupings are gone. */
    static Set<String> inQuery(String promql) {
        String bare = SELECTORS.matcher(GROUPINGS.matcher(STRINGS.matcher(promql).replaceAll("")).replaceAll(" "))
                .replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1)); // an identifier not called as a function is a metric
            }
        }
        return names;
    }
}
