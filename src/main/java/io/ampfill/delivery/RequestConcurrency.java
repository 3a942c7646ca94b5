package io.ampfill.delivery;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * How many requests may be in flight at once: a fixed number, or adaptive (amplitude.max-concurrent-requests=adaptive,
 * the default). Adaptive is TCP Vegas, from Netflix's concurrency-limits library: it remembers the round trip the
 * server showed with little in flight, and from the answers' round trips estimates how many requests wait in a queue
 * over there; while that queue is short the limit grows by half a request per answer, when it grows long the limit
 * shrinks as fast, and so it does on every answer that says the server is overloaded (a 429 for a rate, a 5xx, a timeout or
 * a reset). It never grows while fewer than half the allowed requests are in flight, never exceeds the ceiling
 * (amplitude.max-concurrent-requests-ceiling) and never drops below 1.
 *
 * <p>Vegas is told the shortest round trip of the last {@link #RECENT_ANSWERS} answers, not each answer's own: a queue
 * over there makes every answer slower, while the jitter of the network, and this process's own pauses (its collector,
 * two cores shared with the reading), make some slower. Against an emulator 300 ms away whose answers came back in
 * 310-545 ms, Vegas told each answer's own took the slow ones for a queue, and a million events took 6.7-10.2 s (ten
 * runs); told the shortest of the last eight, 6.5-7.7 s (eight runs). Answers that say the server is overloaded are
 * left out of them: a server over its capacity refuses at once, faster than it serves.
 *
 * <p>Why Vegas: a far Amplitude needs many requests in flight (the round trip is the network's, not a queue's), an
 * overloaded one shows its queue in the round trip before it refuses; Vegas grows fast where latency does not rise and
 * stops at the knee where it does. The library's AIMD grows by one per answer whatever the latency and finds the knee
 * only by being refused; its Gradient2 takes no notice of refusals. The thresholds are the library's own advice for
 * higher limits: a queue of up to a tenth of the limit is fine, beyond a fifth the limit shrinks. (They were a sixth
 * and a third while Vegas was told each answer's own round trip, 10-40% over the shortest as the CPU and the collector
 * came and went; told the shortest of the recent ones, the narrower band keeps the limit nearer the knee of an
 * overloaded server: against bench/run.sh's, at a sixth and a third 1-5 requests of about 520 were refused in each of
 * six runs, at a tenth and a fifth none in seven of eight runs and 4 in the other.) Changed from the
 * library's defaults, each for what a simulated overloaded server (RequestConcurrencyTest) showed: no jump by a fifth
 * of the limit per answer when no queue shows (the answers of one round trip all come back before the first that sees
 * the queue, and the limit overshot the server's capacity twice over, 13% of requests refused); each answer moves the
 * limit half as far (smoothing 0.5: half an answer more per answer, so about half as many more per round trip, and
 * the same down), which ended the swing between 12 and 33 against a knee of 16; and the round trip at low load is
 * measured again only after 1,000 times the limit in answers, not 30 (a new measure, taken at full load, had it grow
 * into the capacity every few hundred answers).
 *
 * <p>Before Vegas, a slow start as TCP's doubles the limit per round trip until the round trip rises or the server
 * says it is overloaded (see {@link #startingSlowly}).
 *
 * <p>Thread-safe: senders report answers outside the lanes' lock, the scheduler reads the limit under it.
 */
final class RequestConcurrency {
    /** The limit adaptive starts at: the fixed default it replaces, best against the emulator next door. */
    static final int INITIAL_LIMIT = 8;
    /** The answers whose shortest round trip Vegas is told (see the class comment). */
    static final int RECENT_ANSWERS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(RequestConcurrency.class);

    /**
     * Slow start ends at the first answer whose round trip is this many times the shortest seen so far: a queue may be
     * forming over there. An eighth: the answers that show a queue come back a queue later than the others, and until
     * then each clean answer still adds a request, so the limit is about twice the requests that met the queue when
     * the first slow answer comes back. Against the capacity-limited emulator (bench/run.sh capacity: a knee of 16, 503
     * beyond 32), ending at a quarter slower let the limit reach 35-41 first, and 0-11 of about 520 requests were
     * refused (over 1% in half the runs); at an eighth, see the thresholds in the class comment.
     *
     * <p>An eighth is within the jitter of a far server (the benchmark's is a tenth) and of this process's collector
     * (its pauses of 90-140 ms are an eighth of a round trip 1 s away), so slow start mostly ends early, at 14-24
     * requests, and Vegas grows on by about half per round trip instead of doubling: 1 s away a million events took
     * 12.5-14.5 s, 11.1-12.9 s when it ended at a quarter. A backfill of hours pays that once. Taking the collector's
     * pauses out of the round trips did not help: slow start then went on to 41-46 against the overloaded emulator
     * (9-15 requests refused), since doubling outruns a queue that shows a round trip late.
     */
    static final double SLOW_START_END_RATIO = 1.125;

    private final boolean adaptive;
    private final int most;
    /** The library's limit: fixed, or Vegas once slow start has ended (null until then). */
    private volatile Limit limit;
    /** While true, the limit is {@link #startLimit}: it grows by one per answer, doubling per round trip. */
    private volatile boolean slowStart;
    private volatile int startLimit;
    /** The shortest round trip seen in slow start: the server's at low load, handed to Vegas when it takes over. */
    private long shortestRoundTrip = Long.MAX_VALUE;
    private int startAnswers;
    /**
     * The round trips of the last {@link #RECENT_ANSWERS} answers that were not overload answers, as a ring; the
     * places no answer has filled yet hold the longest there is, so the shortest is of the answers alone.
     */
    private final long[] recentRoundTrips = new long[RECENT_ANSWERS];
    private int recentNext;

    private RequestConcurrency(Limit limit, boolean adaptive, int most) {
        this.adaptive = adaptive;
        this.most = most;
        this.slowStart = adaptive;
        this.startLimit = Math.min(INITIAL_LIMIT, most);
        this.limit = limit;
        Arrays.fill(recentRoundTrips, Long.MAX_VALUE);
        if (adaptive) {
            debug(startLimit);
        }
    }

    /** A limit that never changes. */
    static RequestConcurrency fixed(int requests) {
        return new RequestConcurrency(FixedLimit.of(requests), false, requests);
    }

    /**
     * A limit that adapts between 1 and {@code ceiling}, from {@link #INITIAL_LIMIT} (or the ceiling, if lower): slow
     * start first, then Vegas.
     */
    static RequestConcurrency adaptive(int ceiling) {
        return new RequestConcurrency(null, true, ceiling);
    }

    /** Vegas, tuned (see the class comment), from {@code initial} requests. */
    private VegasLimit vegas(int initial) {
        VegasLimit vegas = VegasLimit.newBuilder()
                .initialLimit(initial)
                // smoothed, the limit only nears its bound: one more, and limit() cuts it at the ceiling
                .maxConcurrency(most + 1)
                .alphaFunction(limit -> Math.max(3, limit / 10))
                .betaFunction(limit -> Math.max(6, limit / 5))
                .thresholdFunction(limit -> -1)
                .probeMultiplier(1000)
                .smoothing(0.5)
                .build();
        if (LOG.isDebugEnabled()) {
            vegas.notifyOnChange(changed -> debug(Math.min(most, changed)));
        }
        return vegas;
    }

    /** One line per change, so a run's limit over time can be read back from its log (the benchmark does). */
    private static void debug(int limit) {
        LOG.debug("request concurrency limit {}", limit);
    }

    static RequestConcurrency of(DeliverySettings settings) {
        return settings.adaptiveConcurrency() ? adaptive(settings.maxConcurrentRequestsCeiling())
                : fixed(settings.maxConcurrentRequests());
    }

    /** Requests that may be in flight now. */
    int limit() {
        return slowStart ? startLimit : Math.min(most, limit.getLimit());
    }

    boolean adaptive() {
        return adaptive;
    }

    /** The most the limit can ever be: what the sender threads and the HTTP connections must allow. */
    int most() {
        return most;
    }

    /**
     * The answer to a POST (or its absence: a {@link BatchAnswer.Resend}), as a sample for the limit.
     *
     * @param sentAt    when it was sent, on the delivery clock
     * @param roundTrip nanoseconds from sending to the answer
     * @param inFlight  requests in flight when it was sent, itself included
     */
    void answered(long sentAt, long roundTrip, int inFlight, BatchAnswer answer) {
        if (!adaptive || answer instanceof BatchAnswer.Fatal || answer instanceof BatchAnswer.NotAmplitude) {
            // a fixed limit learns nothing; a fatal answer stops the run; an answer not Amplitude's tells nothing of
            // its load
            return;
        }
        // a clock that did not move (a test's) still gives a round trip: the library wants one above 0
        long rtt = Math.max(1, roundTrip);
        boolean overloaded = overloaded(answer);
        // an overload answer is no measure of the queue: a server over its capacity refuses at once, faster than it
        // serves
        long recentShortest = overloaded ? rtt : recentShortest(rtt);
        if (slowStart && startingSlowly(rtt, inFlight, overloaded)) {
            return;
        }
        limit.onSample(sentAt, recentShortest, inFlight, overloaded);
    }

    /** Adds a round trip to the recent ones and gives the shortest of them. */
    private synchronized long recentShortest(long rtt) {
        recentRoundTrips[recentNext] = rtt;
        recentNext = (recentNext + 1) % RECENT_ANSWERS;
        long shortest = rtt;
        for (long recent : recentRoundTrips) {
            shortest = Math.min(shortest, recent);
        }
        return shortest;
    }

    /**
     * Slow start, as TCP's: the library's Vegas has none, and grows by about half per round trip, so a far server took
     * ten round trips to reach 60 requests in flight, most of a million events' run. Each clean answer adds one request
     * while the limit is used (doubling it per round trip) until an answer comes back a quarter slower than the
     * fastest so far or says the server is overloaded; Vegas then goes on from the requests in flight when that answer's
     * request was sent (from half of them on an overload, as TCP halves its window), told the round trip at low load
     * this phase saw.
     *
     * @return whether slow start took the answer (false: it has just ended, and Vegas takes this answer)
     */
    private synchronized boolean startingSlowly(long rtt, int inFlight, boolean overloaded) {
        if (!slowStart) {
            return false;
        }
        shortestRoundTrip = Math.min(shortestRoundTrip, rtt);
        // the first round trip's answers only measure: both ends are cold then (a JIT compiling, connections opening),
        // and a slow answer among them tells of that, not of a queue
        boolean measuring = ++startAnswers <= Math.min(INITIAL_LIMIT, most);
        if (!overloaded && (measuring || rtt <= shortestRoundTrip * SLOW_START_END_RATIO)) {
            if (inFlight * 2 >= startLimit && startLimit < most) {
                debug(++startLimit);
            }
            return true;
        }
        LOG.debug("slow start ended at {} requests: {}", startLimit, overloaded ? "an overload answer"
                : "a round trip of " + rtt / 1_000_000 + " ms against the shortest, " + shortestRoundTrip / 1_000_000 + " ms");
        // from the requests in flight when this answer's request was sent, where the queue showed: the limit has grown
        // further since, by the answers of a whole round trip
        int from = Math.max(1, Math.min(startLimit, inFlight));
        VegasLimit vegas = vegas(overloaded ? Math.max(1, from / 2) : from);
        // the library keeps the shortest round trip it sees as the one at low load, and changes nothing on that sample
        vegas.onSample(0, shortestRoundTrip, 1, false);
        limit = vegas;
        slowStart = false;
        return false;
    }

    /**
     * Whether an answer tells of an overloaded server: a 429 for a rate (not for a daily quota, which more or fewer
     * requests at once do not change), a 5xx, a timeout or a reset.
     */
    static boolean overloaded(BatchAnswer answer) {
        if (answer instanceof BatchAnswer.TooManyRequests tooMany) {
            return tooMany.quotaDevices().isEmpty() && tooMany.quotaUsers().isEmpty();
        }
        return answer instanceof BatchAnswer.Resend;
    }
}
