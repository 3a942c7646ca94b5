package io.ampfill.camel;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Amplitude will not take some events of an exchange (or ampfill's rules refused them before sending): which, by their
 * index in the exchange's body (0 for a body of one event), and why. The exchange's other events were delivered.
 */
public final class AmplitudeRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The events named in the message, at most; {@link #refused()} has them all. */
    private static final int NAMED = 10;

    /** One refused event: its index in the exchange's body and the reason, in one line. */
    public record RefusedEvent(int index, String reason) {
    }

    private final transient List<RefusedEvent> refused;

    public AmplitudeRefusedException(List<RefusedEvent> refused, int events) {
        super(message(refused, events));
        this.refused = List.copyOf(refused);
    }

    private static String message(List<RefusedEvent> refused, int events) {
        if (events == 1 && refused.size() == 1) {
            return "Amplitude refused the event: " + refused.get(0).reason();
        }
        String named = refused.stream().limit(NAMED).map(r -> "event " + r.index() + ": " + r.reason())
                .collect(Collectors.joining("; "));
        return "Amplitude refused " + refused.size() + " of the " + events + " events: " + named
                + (refused.size() > NAMED ? "; ..." : "");
    }

    /** Every refused event, by index. */
    public List<RefusedEvent> refused() {
        return refused;
    }
}
