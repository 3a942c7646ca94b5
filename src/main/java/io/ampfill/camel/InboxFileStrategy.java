package io.ampfill.camel;

import io.ampfill.source.DoneFolder;
import io.ampfill.source.IoErrorText;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.GenericFileProcessStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;

/**
 * How the file route takes and completes a file of the inbox (the consumer's processStrategy): it is taken when
 * {@link InboxReadLock} says so, and once its exchange completes (every event settled) it moves to the
 * {@link DoneFolder}, never over a file already there; a dry run (noop) leaves it where it is.
 * <p>
 * Ours, because Camel's consumer deletes whatever has the target name before its move: a second file dropped under
 * a name the done folder holds replaced the first one's archive, and the consumer has no option to keep both
 * (fileExist and moveExisting are the producer's).
 */
public final class InboxFileStrategy extends GenericFileProcessStrategySupport<File> {
    private static final Logger LOG = LoggerFactory.getLogger(InboxFileStrategy.class);

    private final InboxReadLock readLock;
    private final DoneFolder done;

    public InboxFileStrategy(InboxReadLock readLock, DoneFolder done) {
        this.readLock = readLock;
        this.done = done;
        setExclusiveReadLockStrategy(readLock);
    }

    @Override
    public void commit(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint, Exchange exchange,
                       GenericFile<File> file) throws Exception {
        try {
            if (!endpoint.isNoop()) {
                operations.releaseRetrievedFileResources(exchange);
                archive(file.getFile());
            }
        } finally {
            super.commit(operations, endpoint, exchange, file);
        }
    }

    private void archive(File file) {
        try {
            done.archive(file.toPath());
            readLock.archived(file.getName());
        } catch (IOException e) {
            // the run goes on; the file stays in the inbox and, its position not saved, is sent again by the next run
            LOG.warn("{}: all its events are delivered or dead-lettered, but it cannot be moved to the done folder: {};"
                    + " it stays in the inbox, and the next run sends it again (Amplitude drops the copies)",
                    file, IoErrorText.of(e));
        }
    }
}
