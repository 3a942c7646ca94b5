package io.ampfill.camel;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.cookie.CookieSpecFactory;
import org.apache.hc.client5.http.cookie.StandardCookieSpec;
import org.apache.hc.client5.http.impl.cookie.IgnoreCookieSpecFactory;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Lookup;
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
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Camel's HTTP component, with two differences that suit a client of Amplitude's API.
 * <ul>
 * <li>The JDK's default TLS context is built when the first https connection is made, not when the endpoint is
 * created. Camel's builds it for every endpoint, http ones too: the JSSE classes and the JDK's trusted
 * certificates, about a fifth of the CPU of a start (JFR, bench/run.sh start), which a dry run and an http endpoint
 * never use. {@link #warmUpTls()} builds it ahead on another thread where the endpoint is https. A TLS setup of the
 * user's ({@code sslContextParameters}, {@code useSystemProperties}) is Camel's as before. Only the registry is
 * overridden: there is no component option to make it lazy.</li>
 * <li>No cookies: the Batch API keeps no session, and the HTTP client's cookie handling, even when turned off
 * ({@code cookieManagementDisabled}), parses its public-suffix list (a few thousand lines) at every start and
 * looks at its cookie store at every request. A configurer of the user's
 * ({@code camel.component.http.http-client-configurer}) still runs, after this.</li>
 * </ul>
 */
@SuppressWarnings("deprecation") // the socket factory interfaces Camel's component itself registers
public final class AmpfillHttpComponent extends HttpComponent {
    private static final Lookup<CookieSpecFactory> NO_COOKIE_SPECS =
            RegistryBuilder.<CookieSpecFactory>create().register(StandardCookieSpec.IGNORE, new IgnoreCookieSpecFactory()).build();

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

    @Override
    protected HttpClientConfigurer createHttpClientConfigurer(Map<String, Object> parameters, boolean secure) throws Exception {
        HttpClientConfigurer camels = super.createHttpClientConfigurer(parameters, secure);
        return builder -> {
            builder.disableCookieManagement();
            builder.setDefaultCookieSpecRegistry(NO_COOKIE_SPECS); // else the client builds the default one, and its list
            if (camels != null) {
                camels.configureHttpClient(builder);
            }
        };
    }

    /** Loads the JDK's TLS classes and trusted certificates on {@code thread}, for an https endpoint to come. */
    public static void warmUpTls(Executor thread) {
        thread.execute(() -> {
            try {
                SSLContexts.createDefault(); // what it loads is shared with the context the first connection builds
            } catch (RuntimeException leftForTheFirstConnection) {
                // the first https connection builds its own context and reports what is wrong with it
            }
        });
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
