package io.ampfill.cli;

import org.apache.hc.core5.ssl.SSLContexts;

import java.util.Map;

/** java -jar ampfill.jar: settings come from application.properties, environment variables and -D. */
public final class AmpfillMain {
    private AmpfillMain() {
    }

    public static void main(String[] args) {
        warmUpTls();
        System.exit(new AmpfillApp(System.out, System.err).run(Map.of()));
    }

    /**
     * Camel's HTTP component builds a TLS context when it creates the delivery endpoint, whether or not the endpoint
     * is https: the JSSE classes and the JDK's trusted certificates, 100-130 ms of a start-up that is otherwise one
     * thread's work (measured with bench/run.sh start). Done here on another thread first, it costs the start no time
     * where a second core is free, and what it loads is shared. A failure is left for the component to meet and report.
     */
    private static void warmUpTls() {
        Thread thread = new Thread(() -> {
            try {
                SSLContexts.createDefault();
            } catch (RuntimeException leftForTheComponent) {
                // the component builds its own context and reports what is wrong with it
            }
        }, "ampfill-tls-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
