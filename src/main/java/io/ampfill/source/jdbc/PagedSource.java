package io.ampfill.source.jdbc;

/** A source read page by page in cursor order: the events table, or the pre-existing users. */
interface PagedSource extends AutoCloseable {
    /** The rows after a position (null: from the first; else a page's lastCursor), at most a page of them. */
    JdbcTableReader.Page readPage(Object after) throws Exception;

    /** Names the source in dead letters, checkpoints and messages ("table events"). */
    String sourceName();

    /** The rows that reading from {@code after} on would read now (as {@link #readPage} takes it), counted by {@code count}. */
    long rowsFrom(Object after, RowCount count) throws Exception;

    /** Rows never read because their cursor is NULL. */
    long rowsWithoutCursor() throws Exception;

    @Override
    void close();
}
