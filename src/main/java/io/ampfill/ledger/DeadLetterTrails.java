package io.ampfill.ledger;

/** Where the ledger finds a source's {@link DeadLetterTrail}: the dead-letter store. */
public interface DeadLetterTrails {

    /**
     * The trail of the source named {@code source}, resumed at {@code position} with the dead-letter length its
     * checkpoint holds (-1: none, for a source read from its start or a position saved without one). Its file is cut back
     * to that length. Before the trail's first line, if the length it starts at is not saved yet, {@code saveStart} saves
     * it: else a run killed after that line would leave it to be written again.
     */
    DeadLetterTrail open(String source, long position, long length, Runnable saveStart);

    DeadLetterTrails NONE = (source, position, length, saveStart) -> DeadLetterTrail.NONE;
}
