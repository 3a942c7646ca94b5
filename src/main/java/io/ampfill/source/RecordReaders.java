package io.ampfill.source;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Opens the right streaming reader for a file in the drop folder, chosen by its name; .gz files are decompressed as they are read. */
public final class RecordReaders {
    /** Shared by every reader: thread-safe, and fails on trailing content so that "{} x" is not taken for "{}". */
    static final ObjectMapper JSON = RecordJson.mapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final String NOT_AN_OBJECT = "not a JSON object";
    /** What a reader that stops at a record leaves unread. */
    static final String REST_OF_FILE = "the rest of the file, from this line on: it cannot be read past this point";

    private enum Format { NDJSON, JSON, CSV }

    private RecordReaders() {
    }

    /** Whether the file's name is one this tool reads: .json .ndjson .jsonl .csv, each optionally + .gz, in any case. */
    public static boolean supports(String fileName) {
        return formatOf(fileName) != null;
    }

    /** A reader of the file's records: NDJSON lines as {@link SourceRecord.Line}s, other formats' as trees. */
    public static RecordReader open(Path file) throws IOException {
        String name = file.getFileName().toString();
        Format format = formatOf(name);
        if (format == null) {
            throw new IllegalArgumentException("not a supported input file (.json .ndjson .jsonl .csv, optionally .gz): " + name);
        }
        InputStream in = Files.newInputStream(file);
        CountingInput fileCounted = null;
        if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            fileCounted = new CountingInput(in);
            in = new GunzippedInput(fileCounted);
        }
        CountingInput counted = new CountingInput(in);
        CountingInput fileBytes = fileCounted == null ? counted : fileCounted;
        RecordReader reader = switch (format) {
            case NDJSON -> new NdjsonReader(counted);
            case JSON -> new JsonDocumentReader(counted);
            case CSV -> new CsvRecordReader(counted);
        };
        return new RecordReader() {
            @Override
            public boolean readChunk(List<SourceRecord> out, int max) throws IOException {
                return reader.readChunk(out, max);
            }

            @Override
            public long inputBytes() {
                return counted.count();
            }

            @Override
            public long fileBytes() {
                return fileBytes.count();
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    private static Format formatOf(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            return Format.NDJSON;
        }
        if (name.endsWith(".json")) {
            return Format.JSON;
        }
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        return null;
    }
}
