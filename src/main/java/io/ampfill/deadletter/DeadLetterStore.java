package io.ampfill.deadletter;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.ledger.DeadLetterTrail;
import io.ampfill.ledger.DeadLetterTrails;
import io.ampfill.ledger.SourceUnit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Rejected records, one NDJSON line each, in {@code <dead-letter-dir>/<source file>.rejected.ndjson} (see
 * {@link DeadLetterFileName}):
 * {@code {"reason":..., "source":..., "line":..., "record":{...}}}, or {@code "raw":"..."} where the
 * input did not parse, or {@code "not_kept":"..."} where not even its text could be kept. A fixed line can be dropped back into the inbox as it is: the readers take the
 * record out of it. The API key never reaches this store: records are events, not requests.
 *
 * <p>A record counts as settled once its line is written, so a write that fails (a full disk) stops the run: the
 * failure is reported once, the file keeps its whole lines only, and from then on nothing is written and every
 * {@link #flush()} fails, so no saved position passes a record whose line was lost.
 *
 * <p>Each record is dead-lettered once across runs. A source's saved position goes with the length of its file (see
 * {@link DeadLetterTrail}): a run that resumes the source cuts the file back to that length, and one that stops before
 * a source is done cuts it back as it closes. What is cut is what the next run reads, and writes, again.
 */
public final class DeadLetterStore implements AutoCloseable, DeadLetterTrails {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Map<String, DeadLetterFile> files = new HashMap<>();
    private final JsonFactory factory = JSON.getFactory();
    private final ByteArrayBuilder line = new ByteArrayBuilder(1024);
    private int lineLength;
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private volatile Consumer<String> onFailure = message -> { };
    private volatile BiConsumer<String, String> onWithdrawn = (source, reason) -> { };
    /** Why writing failed, once it did. */
    private String failure;

    public DeadLetterStore(Path dir) {
        this.dir = dir;
    }

    /** Told, once, the one line that says why dead letters could not be written: the run must stop. */
    public void onFailure(Consumer<String> onFailure) {
        this.onFailure = onFailure;
    }

    /**
     * Told the source and reason of each line the run wrote and then took back as it stopped, for the report: the next
     * run reads its record again.
     */
    public void onWithdrawn(BiConsumer<String, String> onWithdrawn) {
        this.onWithdrawn = onWithdrawn;
    }

    /** A record that parsed, or the event as it was sent (its JSON bytes); {@code ordinal} is the record's in its unit. */
    public void write(SourceUnit unit, long ordinal, long line, String reason, JsonNode record) {
        append(unit, ordinal, line, reason, g -> {
            g.writeFieldName("record");
            g.writeTree(record);
        });
    }

    public void writeEvent(SourceUnit unit, long ordinal, long line, String reason, byte[] eventJson) {
        append(unit, ordinal, line, reason, g -> {
            g.writeFieldName("record");
            g.writeRawValue(new String(eventJson, StandardCharsets.UTF_8));
        });
    }

    /**
     * Input that did not parse: kept as text so a person can fix it. Where not even the text could be kept (a line
     * too long, the unreadable rest of a file), "not_kept" says what is missing, so the line is never silently empty.
     */
    public void writeRaw(SourceUnit unit, long ordinal, long line, String reason, String raw, String notKept) {
        append(unit, ordinal, line, reason, g -> {
            if (raw != null) {
                g.writeStringField("raw", raw);
            } else {
                g.writeStringField("not_kept", notKept != null ? notKept : "the input of this record: see source and line");
            }
        });
    }

    @Override
    public DeadLetterTrail open(String source, long position, long length, Runnable saveStart) {
        try {
            synchronized (this) {
                refuseAfterFailure();
                DeadLetterFile file = fileOf(source);
                long start;
                try {
                    start = file.resumeAt(length);
                } catch (IOException e) {
                    throw failed(file, e);
                }
                // a file shorter than the saved length was moved away or lost: the length it has now is the one to save
                file.trail = new LineTrail(this, source, position, start, start == length, saveStart);
                return file.trail;
            }
        } catch (WriteFailedException e) {
            report(e);
            throw e;
        }
    }

    /** For a dry run, which saves no position: no line is tracked, and a source done still has its file closed. */
    public DeadLetterTrails untracked() {
        return (source, position, length, saveStart) -> DeadLetterTrail.untracked(() -> release(source, null));
    }

    /**
     * The source is done for this run, its position saved or its lines all written before it commits: its file is
     * closed (and opened again should it be needed), not to be cut back as the run ends,
     * unless another source of the name took it over ({@code trail}: the source's; null if untracked).
     */
    void release(String source, LineTrail trail) {
        WriteFailedException failedNow = null;
        synchronized (this) {
            DeadLetterFile file = files.get(source);
            if (file == null || file.trail != trail) {
                return;
            }
            files.remove(source);
            try {
                file.close(false);
            } catch (IOException e) {
                failedNow = failed(file, e); // what it held was written before its position was saved
            }
        }
        if (failedNow != null) {
            report(failedNow);
        }
    }

    /** Makes what was written durable: called before the source it came from is committed. */
    public void flush() {
        try {
            synchronized (this) {
                refuseAfterFailure();
                for (DeadLetterFile file : files.values()) {
                    try {
                        file.drain();
                    } catch (IOException e) {
                        throw failed(file, e);
                    }
                }
            }
        } catch (WriteFailedException e) {
            report(e);
            throw e;
        }
    }

    /**
     * Writes what is left, cuts each file of a source not done back to what its saved position counts, and closes the
     * files, flushed to the disk itself. Never throws: a failure is reported as the run's last line.
     */
    @Override
    public void close() {
        WriteFailedException failedNow = null;
        synchronized (this) {
            for (DeadLetterFile file : files.values()) {
                try {
                    if (failure == null) {
                        file.drain();
                    } else {
                        file.undo(onWithdrawn); // refused since another file failed: its buffered lines go unwritten
                    }
                    if (file.trail != null) {
                        file.cutBack(file.trail.storedLength(), onWithdrawn);
                    }
                    file.close(true);
                } catch (IOException e) {
                    failedNow = failed(file, e);
                    file.closeQuietly();
                }
            }
            files.clear();
        }
        if (failedNow != null) {
            report(failedNow);
        }
    }

    /** Dead letters could not be written; the message is the run's last line. */
    public static final class WriteFailedException extends IllegalStateException {
        WriteFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private void append(SourceUnit unit, long ordinal, long lineNumber, String reason, Body body) {
        String source = unit.name();
        try {
            LineTrail trail = trailOf(source);
            if (trail != null) {
                trail.beforeLine();
            }
            synchronized (this) {
                refuseAfterFailure();
                DeadLetterFile file = fileOf(source);
                byte[] bytes = format(source, lineNumber, reason, body);
                try {
                    file.append(bytes, lineLength);
                    if (file.trail != null) {
                        file.trail.added(unit.deadLetterTag(ordinal), file.length());
                    }
                } catch (IOException e) {
                    throw failed(file, e);
                }
            }
        } catch (WriteFailedException e) {
            report(e);
            throw e;
        }
    }

    private synchronized LineTrail trailOf(String source) {
        DeadLetterFile file = files.get(source);
        return file == null ? null : file.trail;
    }

    private DeadLetterFile fileOf(String source) {
        return files.computeIfAbsent(source, s -> new DeadLetterFile(dir.resolve(DeadLetterFileName.of(s))));
    }

    /** The line, with its newline, in the array returned and its first {@link #lineLength} bytes. */
    private byte[] format(String source, long lineNumber, String reason, Body body) {
        line.reset();
        try (JsonGenerator g = factory.createGenerator(line, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("reason", reason);
            g.writeStringField("source", source);
            g.writeNumberField("line", lineNumber);
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: only a record Jackson cannot write gets here
        }
        line.write('\n');
        lineLength = line.size();
        // a line that fits the builder's block is not copied
        return lineLength == line.getCurrentSegmentLength() ? line.getCurrentSegment() : line.toByteArray();
    }

    private void refuseAfterFailure() {
        if (failure != null) {
            throw new WriteFailedException(failure, null);
        }
    }

    /** Under the lock: the file back to its whole lines, and the run's reason to stop. */
    private WriteFailedException failed(DeadLetterFile file, IOException e) {
        file.undo(onWithdrawn);
        if (failure == null) {
            failure = "cannot write dead letters to " + dir + ": " + reason(e) + "; the next run resumes where this one stopped";
        }
        return new WriteFailedException(failure, e);
    }

    /** Outside the lock: stopping the run saves positions, which takes the checkpointer's lock and then this one. */
    private void report(WriteFailedException e) {
        if (failureReported.compareAndSet(false, true)) {
            onFailure.accept(e.getMessage());
        }
    }

    /** "No space left on device", not the exception's class or a path the user set themselves. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + e.getMessage();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
