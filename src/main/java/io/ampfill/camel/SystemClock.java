package io.ampfill.camel;

import io.ampfill.delivery.DeliveryClock;

/** The system's clocks, as delivery reads time when it runs for real (tests hand it a clock they move themselves). */
public enum SystemClock implements DeliveryClock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }
}
