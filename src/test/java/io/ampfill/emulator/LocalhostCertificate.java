package io.ampfill.emulator;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by the JDK's keytool, for the emulator to serve
 * https with; and the JVM's default trust store pointed at it while a test needs it, put back on close.
 */
public final class LocalhostCertificate implements AutoCloseable {
    private static final String PASSWORD = "changeit";
    private static final String TRUST_STORE = "javax.net.ssl.trustStore";
    private static final String TRUST_STORE_PASSWORD = "javax.net.ssl.trustStorePassword";

    private final Path keyStore;
    private final String trustStoreBefore = System.getProperty(TRUST_STORE);
    private final String trustStorePasswordBefore = System.getProperty(TRUST_STORE_PASSWORD);

    private LocalhostCertificate(Path keyStore) {
        this.keyStore = keyStore;
    }

    /** Makes the certificate in dir. */
    public static LocalhostCertificate make(Path dir) throws IOException, InterruptedException {
        Path keyStore = dir.resolve("localhost.p12");
        Path output = dir.resolve("keytool.txt");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed: " + Files.readString(output));
        }
        return new LocalhostCertificate(keyStore);
    }

    /** The server side: the key and certificate, for EmulatorSettings.tls. */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** Makes the JVM's default trust store this certificate, until close. */
    public LocalhostCertificate trustedByDefault() {
        System.setProperty(TRUST_STORE, keyStore.toString());
        System.setProperty(TRUST_STORE_PASSWORD, PASSWORD);
        return this;
    }

    @Override
    public void close() {
        restore(TRUST_STORE, trustStoreBefore);
        restore(TRUST_STORE_PASSWORD, trustStorePasswordBefore);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
