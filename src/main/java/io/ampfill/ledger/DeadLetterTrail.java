package io.ampfill.ledger;

/**
 * A source's dead-letter file as its saved position must see it. A position counts a dead-lettered record as settled,
 * so it is saved with the length the file had then, and a run that resumes the source first cuts the file back to that
 * length: a record it reads again is dead-lettered again, once. Lines are not written in source order (records are
 * rejected as they are read, ahead of delivery; Amplitude refuses an event later), so a {@link Cut} is a position and a
 * length that belong together: every line before the length is of a record before the position, every line after it
 * of a record at or after it.
 */
public interface DeadLetterTrail {

    /** A position of the source and the length of its dead-letter file that go together; length -1: not tracked. */
    record Cut(long position, long length) {
    }

    /**
     * The cut to save for a source settled up to {@code settled}: at it, or at an earlier position where a record after
     * that one had its line written before a record before it (the records between are then read, and sent, again).
     */
    Cut cutAt(long settled);

    /** The checkpoint store holds this cut now: if the run stops before the source is done, its file goes back to it. */
    void stored(Cut cut);

    /**
     * The source is done for this run: its last position saved, or every line written and the source about to be
     * committed (a file read to its end, which moves to done with no position saved). Its file need not stay open, and
     * is not cut back as the run ends.
     */
    void release();

    /** Not tracked: tests of the ledger alone. */
    DeadLetterTrail NONE = untracked(() -> { });

    /** Not tracked (a dry run, which saves no position); {@code release} still closes the source's file when it is done. */
    static DeadLetterTrail untracked(Runnable release) {
        return new DeadLetterTrail() {
            @Override
            public Cut cutAt(long settled) {
                return new Cut(settled, -1);
            }

            @Override
            public void stored(Cut cut) {
            }

            @Override
            public void release() {
                release.run();
            }
        };
    }
}
