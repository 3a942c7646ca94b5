package io.ampfill.delivery;

import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.HostnameVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.security.GeneralSecurityException;

/**
 * Camel's HTTP component, but with the JDK's default TLS context built when the first https connection is made,
 * not when the endpoint is created. Camel's builds it for every endpoint, http ones too: the JSSE classes and the
 * JDK's trusted certificates, about a fifth of the CPU of a start (JFR, bench/run.sh start), which a dry run and
 * an http endpoint never use. {@link #warmUpTls()} builds it ahead on another thread where the endpoint is https.
 * A TLS setup of the user's ({@code sslContextParameters}, {@code useSystemProperties}) is Camel's as before.
 * Only the registry is overridden: there is no component option to make it lazy.
 */
@SuppressWarnings("deprecation") // the socket factory interfaces Camel's component itself registers
public final class LazyTlsHttpComponent extends HttpComponent {
    private volatile LazyTls lazyTls;

    @Override
    protected Registry<ConnectionSocketFactory> createConnectionRegistry(HostnameVerifier hostnameVerifier,
            SSLContextParameters sslContextParams, boolean useSystemProperties) throws GeneralSecurityException, IOException {
        if (sslContextParams != null || useSystemProperties) {
            return super.createConnectionRegistry(hostnameVerifier, sslContextParams, useSystemProperties);
        }
        LazyTls tls = new LazyTls(hostnameVerifier);
        lazyTls = tls;
        return RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory())
                .register("https", tls)
                .build();
    }

    /** Loads the JDK's TLS classes and trusted certificates on a daemon thread, for an https endpoint to come. */
    public static void warmUpTls() {
        Thread thread = new Thread(() -> {
            try {
                SSLContexts.createDefault(); // what it loads is shared with the context the first connection builds
            } catch (RuntimeException leftForTheFirstConnection) {
                // the first https connection builds its own context and reports what is wrong with it
            }
        }, "ampfill-tls-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether an https connection of this component's registry has built its TLS context (for tests). */
    boolean tlsBuilt() {
        LazyTls tls = lazyTls;
        return tls != null && tls.built != null;
    }

    /** The https socket factory Camel's component registers, made on first use. */
    private static final class LazyTls implements LayeredConnectionSocketFactory {
        private final HostnameVerifier hostnameVerifier;
        private volatile SSLConnectionSocketFactory built;

        LazyTls(HostnameVerifier hostnameVerifier) {
            this.hostnameVerifier = hostnameVerifier;
        }

        private SSLConnectionSocketFactory factory() {
            SSLConnectionSocketFactory factory = built;
            if (factory == null) {
                synchronized (this) {
                    factory = built;
                    if (factory == null) {
                        factory = new SSLConnectionSocketFactory(SSLContexts.createDefault(), hostnameVerifier);
                        built = factory;
                    }
                }
            }
            return factory;
        }

        @Override
        public Socket createSocket(HttpContext context) throws IOException {
            return factory().createSocket(context);
        }

        @Override
        public Socket createSocket(Proxy proxy, HttpContext context) throws IOException {
            return factory().createSocket(proxy, context);
        }

        @Override
        public Socket connectSocket(TimeValue connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
                                    InetSocketAddress localAddress, HttpContext context) throws IOException {
            return factory().connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
        }

        @Override
        public Socket connectSocket(Socket socket, HttpHost host, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                                    Timeout connectTimeout, Object attachment, HttpContext context) throws IOException {
            return factory().connectSocket(socket, host, remoteAddress, localAddress, connectTimeout, attachment, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
            return factory().createLayeredSocket(socket, target, port, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, Object attachment, HttpContext context)
                throws IOException {
            return factory().createLayeredSocket(socket, target, port, attachment, context);
        }
    }
}
