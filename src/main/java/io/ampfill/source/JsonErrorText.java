package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parser's error as one short line in the user's words, for a dead-letter reason and the report. Jackson's
 * messages name its features and classes, advise enabling them, give character codes and source locations: none
 * of that helps someone fixing a file, and "enable ALLOW_NON_NUMERIC_NUMBERS" is advice about a library they do not
 * call. The known messages are reworded; anything else keeps its words without the library's parts. Valid JSON
 * that passes one of the reader's limits is "too large to read", not "not valid".
 */
public final class JsonErrorText {
    private static final int SHOWN_TOKEN = 30;

    private record Rule(Pattern pattern, Function<Matcher, String> words) {
        static Rule of(String regex, Function<Matcher, String> words) {
            return new Rule(Pattern.compile(regex, Pattern.DOTALL), words);
        }

        static Rule of(String regex, String words) {
            return of(regex, m -> words);
        }
    }

    /** Valid input beyond the parser's limits (StreamReadConstraints): which limit, in the user's words. */
    private static final List<Rule> LIMITS = List.of(
            Rule.of("String value length \\(\\d+\\) exceeds the maximum allowed \\((\\d+).*", m -> "a string longer than " + m.group(1) + " characters"),
            Rule.of("Number value length \\(\\d+\\) exceeds the maximum allowed \\((\\d+).*", m -> "a number of more than " + m.group(1) + " digits"),
            Rule.of("Name length \\(\\d+\\) exceeds the maximum allowed \\((\\d+).*", m -> "a field name longer than " + m.group(1) + " characters"),
            Rule.of("Document nesting depth \\(\\d+\\) exceeds the maximum allowed \\((\\d+).*", m -> "nested more than " + m.group(1) + " levels deep"),
            Rule.of("Document length \\(\\d+\\) exceeds the maximum allowed \\((\\d+).*", m -> "more than " + m.group(1) + " bytes"),
            Rule.of("Token count \\(\\d+\\) exceeds the maximum allowed \\((\\d+).*", m -> "more than " + m.group(1) + " values"),
            Rule.of("Number exponent beyond what can be read: (.*)", m -> "a number with an exponent beyond any range: " + m.group(1)));

    private static final List<Rule> SYNTAX = List.of(
            Rule.of("Non-standard token '([^']*)'.*", m -> m.group(1) + " is not a JSON value (write null, or leave the field out)"),
            Rule.of(".*does not allow numbers to have plus signs.*", "a number starts with '+', which JSON does not allow"),
            Rule.of(".*Leading zeroes not allowed.*", "a number starts with a zero (01), which JSON does not allow"),
            Rule.of(".*Decimal point not followed by a digit.*", "a number's decimal point is not followed by a digit"),
            Rule.of(".*Exponent indicator not followed by a digit.*", "a number's exponent has no digits"),
            Rule.of(".*expected digit \\(0-9\\) to follow minus sign.*", "a minus sign is not followed by a digit"),
            Rule.of("Unrecognized token '(.*)': was expecting.*", m -> "unexpected " + token(m.group(1))
                    + " where a value should be (a string in double quotes, a number, true, false, null, an object or an array)"),
            Rule.of("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*", m -> "a control character (" + codePoint(m.group(1))
                    + ") in a string: it must be written escaped, such as \\n or \\u0001"),
            Rule.of("Illegal character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*", m -> "a control character (" + codePoint(m.group(1)) + ") between values"),
            Rule.of("Unrecognized character escape '(.)'.*", m -> "unknown escape \\" + m.group(1) + " in a string"),
            Rule.of("Unrecognized character escape (.*)", m -> "unknown escape in a string: a backslash before " + character(m.group(1))),
            Rule.of("Unexpected close marker '(.)': expected '(.)'.*", m -> "unexpected '" + m.group(1) + "' where '" + m.group(2) + "' should close"),
            Rule.of("Unexpected close marker '(.)'.*", m -> "unexpected '" + m.group(1) + "' with nothing open to close"),
            Rule.of("Unexpected end-of-input.*?(Object|Array).*", m -> "the text ends inside " + (m.group(1).equals("Object")
                    ? "an object (a '}' is missing)" : "an array (a ']' is missing)")),
            Rule.of("Unexpected end-of-input.*(VALUE_STRING|String value).*", "the text ends inside a string (a closing '\"' is missing)"),
            Rule.of("Unexpected end-of-input.*field name.*", "the text ends inside a field name"),
            Rule.of("Unexpected end-of-input.*", "the text ends too early"),
            Rule.of("Trailing token.*", "more than one JSON value (something follows the first one)"),
            Rule.of("Invalid UTF-8 (?:start|middle) byte (0x\\p{XDigit}+).*", m -> "a byte that is not UTF-8 (" + m.group(1).toUpperCase(Locale.ROOT).replace("0X", "0x") + ")"),
            Rule.of("Missing closing quote for value.*", "a quoted cell has no closing quote"),
            Rule.of("Unexpected character \\((.*?\\))\\):? ?(.*)", m -> "unexpected " + character(m.group(1)) + unexpectedBecause(m.group(2))));

    /** What Jackson says it expected, after an unexpected character, in the user's words. */
    private static final List<Rule> EXPECTED = List.of(
            Rule.of(".*double-quote to start field name.*", "expected a field name in double quotes"),
            Rule.of("expected a (?:valid )?value.*", "expected a value"),
            Rule.of(".*colon to separate field name and value.*", "expected ':' after a field name"),
            Rule.of(".*comma to separate Object entries.*", "expected ',' or '}' after a value"),
            Rule.of(".*comma to separate Array entries.*", "expected ',' or ']' after a value"),
            Rule.of(".*comment.*", "comments are not JSON"),
            Rule.of(".*hex-digit for character escape.*", "a \\u escape needs four hex digits"),
            Rule.of(".*column separator character.*", "expected ',' or the end of the line after a quoted cell"),
            Rule.of(".*space separating root-level values.*", "expected a space or a new line between two values"));

    /** Jackson's names of tokens, as a user would say them. */
    private static final List<String[]> TOKENS = List.of(new String[]{"VALUE_STRING", "a string"}, new String[]{"VALUE_NUMBER_INT", "a number"},
            new String[]{"VALUE_NUMBER_FLOAT", "a number"}, new String[]{"START_OBJECT", "an object"}, new String[]{"START_ARRAY", "an array"},
            new String[]{"END_OBJECT", "'}'"}, new String[]{"END_ARRAY", "']'"}, new String[]{"FIELD_NAME", "a field name"},
            new String[]{"VALUE_TRUE", "true"}, new String[]{"VALUE_FALSE", "false"}, new String[]{"VALUE_NULL", "null"});

    private JsonErrorText() {
    }

    /**
     * The reason for input that did not parse: {@code invalid} ("not valid JSON", "not valid CSV from here on") and
     * what is wrong; or, for valid input beyond a limit, "too large to read" (from here on, as invalid says) and which.
     */
    public static String reason(JacksonException e, String invalid) {
        String message = firstLine(e.getOriginalMessage());
        if (e instanceof StreamConstraintsException) {
            String tooLarge = invalid.endsWith(" from here on") ? "too large to read from here on" : "too large to read";
            return tooLarge + ": " + rewrite(message, LIMITS, JsonErrorText::withoutLibrary);
        }
        return invalid + ": " + rewrite(message, SYNTAX, JsonErrorText::withoutLibrary);
    }

    private static String rewrite(String message, List<Rule> rules, Function<String, String> otherwise) {
        for (Rule rule : rules) {
            Matcher m = rule.pattern.matcher(message);
            if (m.matches()) {
                return rule.words.apply(m);
            }
        }
        return otherwise.apply(message);
    }

    private static String unexpectedBecause(String expected) {
        if (expected.isBlank()) {
            return "";
        }
        return ": " + rewrite(expected, EXPECTED, JsonErrorText::withoutLibrary);
    }

    /** A message no rule knows: its words, without feature advice, class names, character codes and token names. */
    static String withoutLibrary(String message) {
        String text = message
                .replaceAll("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)", "a control character")
                .replaceAll("\\s*\\(code \\d+\\)", "")
                .replaceAll(":?\\s*enable `[^`]*` to allow", "")
                .replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
                .replaceAll(":?\\s*(?:not allowed )?as per `[^`]*`", "")
                .replaceAll("\\s*\\((?:not recognized[^)]*|from `[^`]*`)\\)", "")
                .replaceAll("`[^`]*`", "")
                .replaceAll("Feature '[A-Z_]+'[^.;:)]*", "");
        for (String[] token : TOKENS) {
            text = text.replace(token[0], token[1]);
        }
        text = text.replaceAll("\\s+", " ").strip();
        if (text.isEmpty()) {
            return "unreadable";
        }
        return Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    /** The message's first line, without the source location Jackson adds: the record's place is given already. */
    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        message = cutAt(message, "\n");
        message = cutAt(message, " (start marker at ");
        message = cutAt(message, " at [Source");
        return message.strip();
    }

    private static String cutAt(String message, String marker) {
        int at = message.indexOf(marker);
        return at >= 0 ? message.substring(0, at) : message;
    }

    /** "'x' (code 120)" as 'x'; "(CTRL-CHAR, code 9)" as U+0009. */
    private static String character(String jackson) {
        Matcher control = Pattern.compile(".*CTRL-CHAR, code (\\d+).*").matcher(jackson);
        if (control.matches()) {
            return codePoint(control.group(1));
        }
        Matcher quoted = Pattern.compile("('.+?') \\(code (\\d+)\\).*").matcher(jackson);
        if (quoted.matches()) {
            int code = Integer.parseInt(quoted.group(2));
            return code < 0x20 || code == 0x7F || code > 0xFFFF || Character.isSurrogate((char) code) ? codePoint(quoted.group(2)) : quoted.group(1);
        }
        return jackson.replaceAll("\\s*\\(code \\d+\\)", "");
    }

    private static String codePoint(String decimal) {
        return String.format(Locale.ROOT, "U+%04X", Integer.parseInt(decimal));
    }

    private static String token(String token) {
        return "'" + (token.length() > SHOWN_TOKEN ? token.substring(0, SHOWN_TOKEN) + "..." : token) + "'";
    }
}
