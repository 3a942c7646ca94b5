package io.ampfill.survey;

import java.time.Duration;
import java.util.List;

/**
 * What sending a survey's events will take under Amplitude's limits: each id at most {@code deviceEps} events per
 * second, and at most {@value #DAILY_QUOTA} events per id in a rolling 24 hours, after which Amplitude refuses the id's
 * events (ampfill pauses it) until the window frees. The run as a whole lasts as long as its slowest id, or as long as
 * its events take at the throughput it can reach, whichever is longer.
 *
 * @param deviceEps       amplitude.device-eps (0: no pacing)
 * @param requestsAtOnce  amplitude.max-concurrent-requests
 * @param eventsPerRequest amplitude.max-events-per-request
 */
public record Plan(double deviceEps, int requestsAtOnce, int eventsPerRequest) {
    /** Amplitude's daily quota per device_id and per user_id, over a rolling 24 hours. */
    public static final long DAILY_QUOTA = 500_000;
    /**
     * How long Amplitude is assumed to take to answer a request, for the throughput estimate. Its answer times are not
     * published; a second is a round, cautious figure (the emulator answers in milliseconds).
     */
    static final Duration ANSWER_TIME = Duration.ofSeconds(1);
    private static final Duration DAY = Duration.ofDays(1);

    /** Days of the quota an id's events take: 1 up to 500,000 events, 2 up to a million, ... */
    public static long quotaDays(long events) {
        return Math.max(1, (events + DAILY_QUOTA - 1) / DAILY_QUOTA);
    }

    /**
     * How long an id's events take to send: at its rate, and a day for each full quota before its last events (the
     * quota's window frees 24 hours after it filled).
     */
    public Duration timeFor(long events) {
        long days = quotaDays(events) - 1;
        return DAY.multipliedBy(days).plus(atRate(events - days * DAILY_QUOTA));
    }

    private Duration atRate(long events) {
        return deviceEps <= 0 ? Duration.ZERO : Duration.ofMillis(Math.round(events * 1000 / deviceEps));
    }

    /** Events per second the run can reach at most: its requests in flight, or its devices at their rate if fewer. */
    public double throughput(long devices) {
        double byRequests = (double) requestsAtOnce * eventsPerRequest / (ANSWER_TIME.toMillis() / 1000.0);
        return deviceEps <= 0 ? byRequests : Math.min(byRequests, devices * deviceEps);
    }

    /** The estimate for the whole run, and what bounds it. */
    public record Estimate(Duration duration, String boundBy) {
    }

    public Estimate estimate(Survey survey) {
        long valid = survey.valid();
        double throughput = throughput(Math.max(1, survey.devices().distinct()));
        Duration total = Duration.ofMillis(Math.round(valid * 1000 / throughput));
        Estimate slowest = slowest("device", survey.devices().heaviest(1), null);
        slowest = slowest("user", survey.users().heaviest(1), slowest);
        String byTotal = String.format(java.util.Locale.ROOT, "all %,d events at about %,.0f events/s (%d requests of %d"
                        + " events in flight, each answered in about %d s%s)", valid, throughput, requestsAtOnce,
                eventsPerRequest, ANSWER_TIME.toSeconds(), deviceEps > 0 && throughput < requestsAtOnce * eventsPerRequest
                        ? "; or the devices at their rate, if fewer" : "");
        if (slowest == null || total.compareTo(slowest.duration()) >= 0) {
            return new Estimate(total, byTotal);
        }
        return slowest;
    }

    private Estimate slowest(String kind, List<IdCounts.Count> heaviest, Estimate other) {
        if (heaviest.isEmpty()) {
            return other;
        }
        IdCounts.Count top = heaviest.get(0);
        Duration time = timeFor(top.estimate());
        if (other != null && other.duration().compareTo(time) >= 0) {
            return other;
        }
        long days = quotaDays(top.estimate());
        return new Estimate(time, String.format(java.util.Locale.ROOT, "the slowest %s, %s: %,d events at %s%s", kind,
                top.id(), top.estimate(), rate(), days > 1 ? ", over " + days + " days of Amplitude's daily quota" : ""));
    }

    /** The pace in words. */
    public String rate() {
        return deviceEps <= 0 ? "no pacing (amplitude.device-eps=0)" : String.format(java.util.Locale.ROOT, "%s events/s",
                deviceEps == Math.rint(deviceEps) ? String.valueOf((long) deviceEps) : String.valueOf(deviceEps));
    }

    /** 0.4 s, 12 s, 4m 10s, 1h 6m, 2d 0h 27m. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 10) {
            return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86_400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86_400 + "d " + s % 86_400 / 3600 + "h " + s % 3600 / 60 + "m";
    }
}
