package io.ampfill.delivery;

/**
 * Time as delivery reads it: a monotonic clock for pacing, backoff and pauses, and the wall clock for the lines it
 * prints ("paused until 14:32:05"). Tests give their own, so that waiting is tested without sleeping.
 */
interface DeliveryClock {
    DeliveryClock SYSTEM = new DeliveryClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }
    };

    long nanoTime();

    long epochMillis();
}
