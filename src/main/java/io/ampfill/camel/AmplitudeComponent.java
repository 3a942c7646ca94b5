package io.ampfill.camel;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

import java.util.Map;

/** Makes {@code amplitude:batch} endpoints, each with a copy of the component's configuration, set again by its URI. */
@Component("amplitude")
public class AmplitudeComponent extends DefaultComponent {
    @Metadata(description = "The options every endpoint starts from")
    private AmplitudeConfiguration configuration = new AmplitudeConfiguration();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        AmplitudeConfiguration own = configuration.copy();
        AmplitudeEndpoint endpoint = new AmplitudeEndpoint(uri, this, remaining, own);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public AmplitudeConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(AmplitudeConfiguration configuration) {
        this.configuration = configuration;
    }
}
