package io.ampfill.event;

/**
 * Reads an ISO-8601 timestamp as epoch milliseconds
 * ({@code 2024-03-01T12:00:00Z}, {@code +02:00} offsets, fractional seconds, and Amplitude's export form
 * {@code 2024-03-01 12:00:00.123456}); no zone means UTC. Hand-written rather than DateTimeFormatter, because
 * export files put every event through it, and without exceptions, because bad input is routine here.
 */
final class EventTime {
    /** Returned when the text is not a time; no real event is at Long.MIN_VALUE. */
    static final long NOT_A_TIME = Long.MIN_VALUE;

    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private EventTime() {
    }

    /** Epoch milliseconds of an ISO-8601 date-time as described above, or NOT_A_TIME. */
    static long iso(String s) {
        int n = s.length();
        if (n < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':') {
            return NOT_A_TIME;
        }
        char separator = s.charAt(10);
        if (separator != 'T' && separator != 't' && separator != ' ') {
            return NOT_A_TIME;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
            return NOT_A_TIME;
        }
        int i = 16;
        int second = 0;
        int millis = 0;
        if (i < n && s.charAt(i) == ':') {
            second = number(s, i + 1, 2);
            if (second < 0 || second > 59) {
                return NOT_A_TIME;
            }
            i += 3;
            if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
                int start = ++i;
                while (i < n && isDigit(s.charAt(i))) {
                    if (i - start < 3) {
                        millis = millis * 10 + (s.charAt(i) - '0');
                    }
                    i++;
                }
                int fractionDigits = i - start;
                if (fractionDigits == 0 || fractionDigits > 9) {
                    return NOT_A_TIME;
                }
                for (int k = fractionDigits; k < 3; k++) {
                    millis *= 10;
                }
            }
        }
        int offsetSeconds = 0;
        if (i < n) {
            char zone = s.charAt(i);
            if (zone == 'Z' || zone == 'z') {
                i++;
            } else if (zone == '+' || zone == '-') {
                int offsetHours = number(s, i + 1, 2);
                int offsetMinutes = 0;
                i += 3;
                if (i < n) {
                    if (s.charAt(i) == ':') {
                        i++;
                    }
                    offsetMinutes = number(s, i, 2);
                    i += 2;
                }
                if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
                    return NOT_A_TIME;
                }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (zone == '-' ? -1 : 1);
            } else {
                return NOT_A_TIME;
            }
        }
        if (i != n) {
            return NOT_A_TIME;
        }
        long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1000L + millis;
    }

    /** The non-negative value of count digits at from, or -1 if any is missing or not a digit. */
    private static int number(String s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysIn(int year, int month) {
        return month == 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
    }

    private static boolean isLeap(int year) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    private static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }
}
