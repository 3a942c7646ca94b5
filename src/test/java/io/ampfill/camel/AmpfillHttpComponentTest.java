package io.ampfill.camel;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.LocalhostCertificate;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ampfill's HTTP component. Its TLS context is made on first use: an http endpoint never makes it; an https one makes
 * it and checks the server's certificate against the JDK's default trust store, as Camel's own component does. It
 * keeps no cookies.
 */
class AmpfillHttpComponentTest {
    private static final String EVENT = "{\"api_key\":\"k\",\"events\":[{\"event_type\":\"e\",\"device_id\":\"device-1\",\"time\":1700000000000}]}";

    @TempDir
    Path dir;
    private AmplitudeEmulator emulator;
    private CamelContext camel;

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void an_http_endpoint_makes_no_tls_context() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        AmpfillHttpComponent http = startCamel();

        assertThat(status(post(emulator.batchUrl()))).isEqualTo(200);
        assertThat(http.tlsBuilt()).isFalse();
        assertThat(emulator.ingestedCount()).isEqualTo(1);
    }

    @Test
    void an_https_endpoint_makes_it_on_first_use_and_checks_the_certificate() throws Exception {
        try (LocalhostCertificate certificate = LocalhostCertificate.make(dir)) {
            emulator = AmplitudeEmulator.start(new EmulatorSettings().tls(certificate.serverContext()));
            assertThat(emulator.batchUrl()).startsWith("https://");

            AmpfillHttpComponent http = startCamel();
            assertThat(http.tlsBuilt()).isFalse();
            // the JDK's own trust store does not know this certificate: the handshake fails, no answer comes back
            Exchange refused = post(emulator.batchUrl());
            assertThat(refused.getException()).isNotNull();
            assertThat(http.tlsBuilt()).isTrue();
            assertThat(emulator.ingestedCount()).isZero();

            certificate.trustedByDefault();
            camel.stop();
            http = startCamel(); // a new context, whose TLS context trusts the certificate now
            assertThat(status(post(emulator.batchUrl()))).isEqualTo(200);
            assertThat(http.tlsBuilt()).isTrue();
            assertThat(emulator.ingestedCount()).isEqualTo(1);
        }
    }

    @Test
    void sends_back_no_cookie_a_server_set() throws Exception {
        List<String> cookiesReceived = new CopyOnWriteArrayList<>();
        // the JDK's server reads this once, for every server of the JVM: set as the emulator sets it, else the
        // emulators of the tests after this one would answer with Nagle's delay (AmplitudeEmulator.start)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/batch", exchange -> {
            exchange.getRequestBody().readAllBytes();
            cookiesReceived.add(String.valueOf(exchange.getRequestHeaders().get("Cookie")));
            exchange.getResponseHeaders().add("Set-Cookie", "session=abc; Path=/");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            startCamel();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/batch";
            assertThat(status(post(url))).isEqualTo(200);
            assertThat(status(post(url))).isEqualTo(200);
            assertThat(cookiesReceived).containsExactly("null", "null");
        } finally {
            server.stop(0);
        }
    }

    private AmpfillHttpComponent startCamel() {
        camel = new DefaultCamelContext();
        AmpfillHttpComponent http = new AmpfillHttpComponent();
        camel.addComponent("http", http);
        camel.addComponent("https", http);
        camel.start();
        return http;
    }

    private static int status(Exchange answer) {
        assertThat(answer.getException()).isNull();
        return answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private Exchange post(String url) {
        return camel.createProducerTemplate().send(url + "?throwExceptionOnFailure=false", exchange -> {
            exchange.getIn().setBody(EVENT.getBytes(StandardCharsets.UTF_8));
            exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getIn().setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        });
    }
}
