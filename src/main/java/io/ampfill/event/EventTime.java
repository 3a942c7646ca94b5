package io.ampfill.event;

/**
 * Reads an ISO-8601 timestamp as epoch milliseconds
 * ({@code 2024-03-01T12:00:00Z}, {@code +02:00} offsets, fractional seconds, and Amplitude's export form
 * {@code 2024-03-01 12:00:00.123456}); no zone means UTC. Hand-written rather than DateTimeFormatter, because
 * export files put every event through it, and without exceptions, because bad input is routine here.
 * <p>
 * Also says what an epoch number's size tells of its unit. Events of 1973 to 5138 have 12 to 14 digits as
 * milliseconds; the same instants in seconds, microseconds or nanoseconds have sizes of their own that no date in
 * milliseconds has, so such a number is refused with the unit it looks like rather than sent as a wrong date.
 */
final class EventTime {
    /** Returned when the text is not a time; no real event is at Long.MIN_VALUE. */
    static final long NOT_A_TIME = Long.MIN_VALUE;
    /** Returned for a year too far off for epoch milliseconds (hundreds of millions of years): before 1970 or in the future. */
    static final long FAR_PAST = Long.MIN_VALUE + 1;
    static final long FAR_FUTURE = Long.MAX_VALUE;

    /** 10^11 ms is March 1973; a smaller number is almost certainly seconds (10^11 s is the year 5138). */
    static final long SECONDS_BELOW = 100_000_000_000L;
    /** 10^14 ms is the year 5138; as microseconds, 10^14 is March 1973. */
    static final long MICROSECONDS_FROM = 100_000_000_000_000L;
    /** 10^17 µs is the year 5138; as nanoseconds, 10^17 is March 1973. */
    static final long NANOSECONDS_FROM = 100_000_000_000_000_000L;
    /** 10^20 ns is the year 5138: from here no unit makes a number a date, it is only too far ahead. */
    static final double NO_UNIT_FROM = 1e20;

    /** Years further off than this do not fit epoch milliseconds (a long holds about 292 million years). */
    private static final int FARTHEST_YEAR = 200_000_000;
    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private EventTime() {
    }

    /** Whether an epoch number can be milliseconds by its size (1973 to 5138); whether it is too far ahead is another question. */
    static boolean plausibleMillis(long n) {
        return n >= SECONDS_BELOW && n < MICROSECONDS_FROM;
    }

    /** Why an epoch number is no time in milliseconds, judged by its size alone, or null when it may be one. */
    static String unitProblem(double n) {
        if (n < 0) {
            return "time is before 1970-01-01";
        }
        if (n < SECONDS_BELOW) {
            return "time looks like seconds, not milliseconds";
        }
        if (n >= NO_UNIT_FROM) {
            return null;
        }
        if (n >= NANOSECONDS_FROM) {
            return "time looks like nanoseconds, not milliseconds";
        }
        return n >= MICROSECONDS_FROM ? "time looks like microseconds, not milliseconds" : null;
    }

    /** As {@link #unitProblem(double)}, exact for every long. */
    static String unitProblem(long n) {
        if (n >= SECONDS_BELOW && n < MICROSECONDS_FROM) {
            return null;
        }
        if (n >= NANOSECONDS_FROM) {
            return "time looks like nanoseconds, not milliseconds";
        }
        return n >= MICROSECONDS_FROM ? "time looks like microseconds, not milliseconds" : unitProblem((double) n);
    }

    /**
     * Epoch milliseconds of an ISO-8601 date-time as described above, or NOT_A_TIME. A year of more than four digits
     * (with or without its sign, {@code +10000-01-01T00:00:00Z}) and a negative one are read too, so that they are
     * refused as too far ahead or before 1970, not as unreadable; FAR_FUTURE and FAR_PAST stand for the farthest.
     */
    static long iso(String s) {
        int n = s.length();
        int yearStart = n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        int yearEnd = yearStart;
        while (yearEnd < n && isDigit(s.charAt(yearEnd))) {
            yearEnd++;
        }
        if (yearEnd - yearStart < 4 || yearEnd - yearStart > 9) {
            return NOT_A_TIME;
        }
        // from here on, the fixed places of "YYYY-MM-DDTHH:MM", shifted by the year's extra digits
        int d = yearEnd - 4;
        if (n < d + 16 || s.charAt(d + 4) != '-' || s.charAt(d + 7) != '-' || s.charAt(d + 13) != ':') {
            return NOT_A_TIME;
        }
        char separator = s.charAt(d + 10);
        if (separator != 'T' && separator != 't' && separator != ' ') {
            return NOT_A_TIME;
        }
        int year = number(s, yearStart, yearEnd - yearStart) * (s.charAt(0) == '-' ? -1 : 1);
        int month = number(s, d + 5, 2);
        int day = number(s, d + 8, 2);
        int hour = number(s, d + 11, 2);
        int minute = number(s, d + 14, 2);
        if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
            return NOT_A_TIME;
        }
        int i = d + 16;
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
        if (Math.abs(year) > FARTHEST_YEAR) {
            return year < 0 ? FAR_PAST : FAR_FUTURE;
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
