package io.ampfill.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a JFR recording's execution samples and prints where the CPU went: by thread (digits folded, so a pool counts
 * as one), by top frame (self time, alone and with its first caller outside the JDK and Jackson), by innermost ampfill
 * frame, and by method anywhere on the stack (total time). Then where threads waited
 * (parks, monitors, socket reads; JFR records only waits over its threshold, 10-20 ms), by thread and by the first
 * ampfill or Camel frame, which tells a reader starved of delivery from senders starved of events.
 * {@code Hotspots FILE.jfr... [N]}: several recordings (say, of repeated runs) are added up; N lines per list (40).
 */
public final class Hotspots {

    private Hotspots() {
    }

    public static void main(String[] args) throws IOException {
        int top = 40;
        List<Path> recordings = new ArrayList<>();
        for (String arg : args) {
            if (arg.matches("\\d+")) {
                top = Integer.parseInt(arg);
            } else {
                recordings.add(Path.of(arg));
            }
        }
        if (recordings.isEmpty()) {
            System.err.println("usage: Hotspots FILE.jfr... [N]");
            System.exit(2);
        }
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> waitMillis = new HashMap<>();
        Map<String, Integer> selfWithCaller = new HashMap<>();
        Map<String, Integer> byOwnFrame = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : readAll(recordings)) {
            String type = event.getEventType().getName();
            if (WAITS.contains(type)) {
                RecordedThread waiter = event.getThread();
                String where = firstOwnFrame(event.getStackTrace());
                waitMillis.merge(threadGroup(waiter) + "  " + type.substring(4) + "  " + where,
                        (int) event.getDuration().toMillis(), Integer::sum);
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) {
                continue;
            }
            samples++;
            byThread.merge(threadGroup(event.getThread("sampledThread")), 1, Integer::sum);
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            String own = null;
            String caller = null;
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (caller == null && !LIBRARY.matcher(name).lookingAt()) {
                    caller = name;
                }
                if (own == null && name.startsWith("io.ampfill.")) {
                    own = name;
                }
            }
            selfWithCaller.merge(name(frames.get(0)) + "  <-  " + caller, 1, Integer::sum);
            byOwnFrame.merge(own != null ? own : "(no ampfill frame) " + (caller != null ? caller : name(frames.get(0))), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (!PLUMBING.matcher(name).lookingAt() && seen.add(name)) {
                    total.merge(name, 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d execution samples%n", samples);
        print("by thread", byThread, samples, top);
        print("self (top frame)", self, samples, top);
        print("self, with the first caller outside the JDK and Jackson", selfWithCaller, samples, top);
        print("by innermost ampfill frame (its own time and the library calls it makes)", byOwnFrame, samples, top);
        print("total (anywhere on the stack, Camel, executor and reflection frames left out)", total, samples, top);
        System.out.printf(Locale.ROOT, "%n-- waits over JFR's threshold, ms, by thread, kind and first ampfill/Camel frame%n");
        waitMillis.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%8d  %s%n", e.getValue(), e.getKey()));
    }

    private static List<RecordedEvent> readAll(List<Path> recordings) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        for (Path recording : recordings) {
            events.addAll(RecordingFile.readAllEvents(recording));
        }
        return events;
    }

    /** Frames on nearly every stack, which say nothing about where the time goes. */
    private static final Pattern PLUMBING = Pattern.compile(
            "org\\.apache\\.camel\\.|java\\.util\\.concurrent\\.|java\\.lang\\.Thread\\.run|jdk\\.internal\\.reflect\\.|java\\.lang\\.reflect\\.");

    /** Frames of the JDK and of Jackson: a sample in them is charged to the first caller outside. */
    private static final Pattern LIBRARY = Pattern.compile("java\\.|jdk\\.|sun\\.|com\\.fasterxml\\.");

    private static final Set<String> WAITS = Set.of("jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait",
            "jdk.SocketRead", "jdk.ThreadSleep");

    private static String threadGroup(RecordedThread thread) {
        String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
        return name.replaceAll("\\d+", "N");
    }

    private static String firstOwnFrame(RecordedStackTrace stack) {
        if (stack == null) {
            return "?";
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String name = name(frame);
            if (name.startsWith("io.ampfill.") || name.startsWith("org.apache.camel.")) {
                return name;
            }
        }
        return stack.getFrames().isEmpty() ? "?" : name(stack.getFrames().get(0));
    }

    private static String name(RecordedFrame frame) {
        RecordedMethod method = frame.getMethod();
        return method == null ? "?" : method.getType().getName() + "." + method.getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.printf(Locale.ROOT, "%n-- %s%n", title);
        counts.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6d %5.1f%%  %s%n",
                        e.getValue(), 100.0 * e.getValue() / Math.max(samples, 1), e.getKey()));
    }
}
