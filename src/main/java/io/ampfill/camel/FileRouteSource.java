package io.ampfill.camel;

import io.ampfill.source.FileSource;
import io.ampfill.source.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;

import java.io.File;
import java.util.Iterator;
import java.util.List;

/**
 * The file route's first step: the file Camel's consumer took, opened by the {@link FileSource} as a unit of the
 * ledger, its records in chunks for the splitter; the unit rides on the exchange to the {@link SettledGate}.
 */
public final class FileRouteSource {
    private final FileSource source;

    public FileRouteSource(FileSource source) {
        this.source = source;
    }

    public Iterator<List<SourceRecord>> open(Exchange exchange) {
        GenericFile<?> file = exchange.getIn().getBody(GenericFile.class);
        FileSource.Chunks chunks = source.open(((File) file.getFile()).toPath(), file.getRelativeFilePath(), fingerprint(file));
        exchange.setProperty(SettledGate.UNIT, chunks.unit());
        return chunks;
    }

    /** Size and modification time: a different file dropped under the same name starts from the beginning. */
    static String fingerprint(GenericFile<?> file) {
        return file.getFileLength() + "@" + file.getLastModified();
    }
}
