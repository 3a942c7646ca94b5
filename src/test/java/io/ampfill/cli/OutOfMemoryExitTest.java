package io.ampfill.cli;

import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutOfMemoryExitTest {
    @Test
    void names_the_heap_and_how_to_give_more() {
        assertThat(OutOfMemoryExit.line(256L << 20))
                .isEqualTo("ampfill: out of memory (heap 256 MB): give the JVM more, e.g. bin/ampfill -Xmx1g");
        assertThat(OutOfMemoryExit.line(2L << 30)).endsWith("(heap 2048 MB): give the JVM more, e.g. bin/ampfill -Xmx4g");
    }

    @Test
    void reads_the_heap_size_as_the_jvm_option_writes_it() {
        assertThat(OutOfMemoryExit.bytes("256m")).isEqualTo(256L << 20);
        assertThat(OutOfMemoryExit.bytes("1G")).isEqualTo(1L << 30);
        assertThat(OutOfMemoryExit.bytes("524288k")).isEqualTo(512L << 20);
        assertThat(OutOfMemoryExit.bytes("268435456")).isEqualTo(256L << 20);
        assertThat(OutOfMemoryExit.bytes("lots")).isEqualTo(-1);
    }

    @Test
    void finds_the_heap_running_out_under_camels_wrapping() {
        assertThat(OutOfMemoryExit.causedBy(new CamelExecutionException("Exception occurred during execution", null,
                new RuntimeException(new OutOfMemoryError("Java heap space"))))).isTrue();
        assertThat(OutOfMemoryExit.causedBy(new IllegalStateException("delivery has stopped"))).isFalse();
        assertThat(OutOfMemoryExit.causedBy(null)).isFalse();
    }
}
