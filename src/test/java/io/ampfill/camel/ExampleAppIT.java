package io.ampfill.camel;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library as a Camel application meets it: examples/camel-main-java, a Camel Main application with a Java DSL
 * route to amplitude:batch and one dependency on io.ampfill:ampfill, is built by Maven against the library jar just
 * packaged (installed into a local repository under target/, the other artifacts taken from this build's local
 * repository), then run with java -jar against the emulator.
 */
class ExampleAppIT {
    private static final String KEY = "example-key-0123456789";
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path REPO = TARGET.resolve("example-repo");
    /** What only ampfill's application needs: a user's application must not get it through the dependency. */
    private static final List<String> APP_ONLY = List.of("h2-", "postgresql-", "mariadb-java-client-", "slf4j-simple-",
            "picocli-", "camel-yaml-dsl-", "jackson-dataformat-csv-", "camel-kafka-", "kafka-clients-");

    @Test
    void a_camel_main_application_sends_its_events_with_the_library_jar_alone() throws Exception {
        Path app = build("camel-main-java");

        List<String> lib = listing(app.resolve("target/lib"));
        String version = System.getProperty("ampfill.version");
        assertThat(lib).contains("ampfill-" + version + ".jar");
        assertThat(lib).noneMatch(jar -> APP_ONLY.stream().anyMatch(jar::startsWith));
        assertThat(lib).filteredOn(jar -> jar.startsWith("ampfill")).hasSize(1);

        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey(KEY))) {
            String output = run(app, List.of(java(), "-jar", "target/events-to-amplitude.jar"),
                    Map.of("AMPLITUDE_API_KEY", KEY, "AMPLITUDE_ENDPOINT", emulator.batchUrl()));

            assertThat(output).doesNotContain(KEY);
            // 30 events over 3 devices (the example's application.properties): each once, each device's in order
            assertThat(emulator.ingestedCount()).as(output).isEqualTo(30);
            assertThat(emulator.duplicateCount()).isZero();
            for (int d = 0; d < 3; d++) {
                int device = d;
                List<Long> sent = emulator.ingestedEvents("example-device-" + d).stream()
                        .map(e -> e.path("event_properties").path("n").asLong()).toList();
                assertThat(sent).as("example-device-" + d)
                        .isEqualTo(LongStream.rangeClosed(1, 30).filter(n -> n % 3 == device).boxed().toList());
            }
        }
    }

    /** Copies examples/NAME under target/ and packages it with Maven, ampfill's plain jar installed beforehand. */
    private static Path build(String name) throws IOException, InterruptedException {
        installLibrary();
        Path app = TARGET.resolve("examples").resolve(name);
        deleteTree(app);
        Files.createDirectories(app.getParent());
        copyTree(Path.of("examples", name).toAbsolutePath(), app);
        List<String> mvn = new ArrayList<>(List.of(System.getProperty("ampfill.it.mvn", "mvn"), "-B", "-q",
                "-s", settings().toString(), "-Dmaven.repo.local=" + REPO,
                "-Dampfill.version=" + System.getProperty("ampfill.version"), "package"));
        if ("[true]".equals(System.getProperty("ampfill.it.offline"))) {
            // this build is offline: so is the example's, which still reads this build's repository (a file: URL)
            mvn.addAll(List.of("-o", "-Daether.offline.protocols=file"));
        }
        run(app, mvn, Map.of());
        return app;
    }

    /** The library jar just packaged and its pom, in the example's local repository as mvn install would put them. */
    private static void installLibrary() throws IOException {
        String version = System.getProperty("ampfill.version");
        Path dir = REPO.resolve("io/ampfill/ampfill").resolve(version);
        Files.createDirectories(dir);
        Files.copy(TARGET.resolve("ampfill-" + version + ".jar"), dir.resolve("ampfill-" + version + ".jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of("pom.xml"), dir.resolve("ampfill-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Settings whose repository is this build's local repository, read as a remote one: the example's build finds
     * what this build has already downloaded, and only what is missing comes from Maven Central.
     */
    private static Path settings() throws IOException {
        String local = new File(System.getProperty("ampfill.it.localRepository",
                System.getProperty("user.home") + "/.m2/repository")).toURI().toString();
        String repos = "<id>build</id><url>" + local + "</url><snapshots><enabled>false</enabled></snapshots>";
        String central = "<id>maven-central</id><url>https://repo.maven.apache.org/maven2</url>";
        Path settings = TARGET.resolve("example-settings.xml");
        Files.writeString(settings, "<settings><profiles><profile><id>example</id>"
                + "<repositories><repository>" + repos + "</repository><repository>" + central + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + repos + "</pluginRepository><pluginRepository>" + central
                + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>example</activeProfile></activeProfiles></settings>");
        return settings;
    }

    /** Runs a command in a folder, its output to a log there; fails with that output unless it exits 0 in time. */
    private static String run(Path dir, List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile(TARGET, "example-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean ended = process.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertThat(ended && process.exitValue() == 0).as("%s ended with 0:%n%s", command, output).isTrue();
        return output;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.filter(p -> !from.relativize(p).startsWith("target")).toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
