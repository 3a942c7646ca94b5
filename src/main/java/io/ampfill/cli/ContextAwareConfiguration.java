package io.ampfill.cli;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * A configuration class whose factories need the CamelContext (its properties, executors, shutdown strategy): Camel
 * hands it over before it calls any factory.
 */
abstract class ContextAwareConfiguration implements CamelConfiguration, CamelContextAware {
    private CamelContext context;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
