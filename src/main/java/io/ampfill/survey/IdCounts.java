package io.ampfill.survey;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Events per id (device or user) in bounded memory, however many ids there are: Apache DataSketches' frequent-items
 * sketch keeps the heaviest ids with their counts, and an HLL sketch counts the distinct ids. While there are fewer
 * ids than the sketch holds (about {@value #EXACT_IDS}), every count is exact; past that, the heavy ids are still all
 * found, each count within {@link #maximumError()} (about 3.5 events per {@value #MAP_SIZE}th of all events: 27 in
 * 10 million), and the number of ids is an estimate within 1%. A map of every id would hold 10 million devices in
 * about a gigabyte; this holds any number in about 20 MB.
 */
public final class IdCounts {
    /** The frequent-items sketch's map (a power of two); it keeps up to three quarters of it as ids. */
    static final int MAP_SIZE = 1 << 17;
    static final int EXACT_IDS = MAP_SIZE / 4 * 3;
    /** log2 of the HLL sketch's buckets: a relative error of about 0.8% (two standard errors 1.6%), 16 KB. */
    private static final int HLL_LG_K = 14;

    /** An id and its count: exact when {@code lower == upper}. */
    public record Count(String id, long lower, long upper) {
        public long estimate() {
            return upper;
        }

        public boolean exact() {
            return lower == upper;
        }
    }

    private final ItemsSketch<String> heavy = new ItemsSketch<>(MAP_SIZE);
    private final HllSketch distinct = new HllSketch(HLL_LG_K);
    private long events;

    public void add(String id) {
        heavy.update(id);
        distinct.update(id);
        events++;
    }

    /** Events counted (those with this kind of id). */
    public long events() {
        return events;
    }

    /** Whether every count, and the number of ids, is exact. */
    public boolean exact() {
        return heavy.getMaximumError() == 0;
    }

    public long maximumError() {
        return heavy.getMaximumError();
    }

    /** The number of distinct ids: exact while {@link #exact()}, else the HLL sketch's estimate. */
    public long distinct() {
        return exact() ? heavy.getNumActiveItems() : Math.round(distinct.getEstimate());
    }

    /** The {@code n} heaviest ids, heaviest first (by their upper bound; ties by id, so the order is stable). */
    public List<Count> heaviest(int n) {
        return counts(heavy.getFrequentItems(ErrorType.NO_FALSE_POSITIVES)).limit(n).toList();
    }

    /** Every id that may have more than {@code threshold} events (none is missed), heaviest first. */
    public List<Count> over(long threshold) {
        return counts(heavy.getFrequentItems(threshold, ErrorType.NO_FALSE_NEGATIVES)).toList();
    }

    private static java.util.stream.Stream<Count> counts(ItemsSketch.Row<String>[] rows) {
        return Arrays.stream(rows).map(r -> new Count(r.getItem(), r.getLowerBound(), r.getUpperBound()))
                .sorted(Comparator.comparingLong(Count::upper).reversed().thenComparing(Count::id));
    }
}
