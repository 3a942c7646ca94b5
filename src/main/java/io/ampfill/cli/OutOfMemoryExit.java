package io.ampfill.cli;

import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultThreadPoolFactory;
import org.apache.camel.util.concurrent.RejectableScheduledThreadPoolExecutor;
import org.apache.camel.util.concurrent.SizedScheduledExecutorService;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Ends the process with one line when the heap runs out, on whatever thread: a stack trace in a sender thread and a
 * fatal "Exchange[]" told the user nothing. It halts at once: nothing unsettled was committed, so the next run sends
 * it again, as after a kill -9, whereas a graceful stop could run out of memory in turn.
 */
final class OutOfMemoryExit {
    private static final long MB = 1024 * 1024;
    /** Freed when the heap has run out, so that the line can still be made. */
    private static volatile byte[] reserve;
    private static volatile PrintStream err;

    private OutOfMemoryExit() {
    }

    /** For the process's life: java -jar or bin/ampfill, not a run inside a test's JVM. */
    static void install(PrintStream errors) {
        err = errors;
        reserve = new byte[(int) MB];
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            ifCause(failure);
            if (before != null) {
                before.uncaughtException(thread, failure);
            } else { // what the JVM prints when no handler is set
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                failure.printStackTrace(System.err);
            }
        });
    }

    /** Ends the process with the line if the heap ran out somewhere in this failure's causes (Camel wraps it). */
    static void ifCause(Throwable failure) {
        if (err == null || !causedBy(failure)) {
            return;
        }
        synchronized (OutOfMemoryExit.class) { // one line, however many threads ran out at once
            reserve = null;
            err.println(line(heapBytes()));
            err.flush();
            Runtime.getRuntime().halt(AmpfillApp.FATAL);
        }
    }

    static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    static String line(long heapBytes) {
        long heapMb = heapBytes / MB;
        String more = heapMb < 1024 ? "1g" : 2 * ((heapMb + 1023) / 1024) + "g";
        return "ampfill: out of memory (heap " + heapMb + " MB): give the JVM more, e.g. bin/ampfill -Xmx" + more;
    }

    /**
     * The heap as the user set it (-Xmx): the JVM's own figure leaves out a survivor space (247.5 MB for -Xmx256m with
     * the serial collector). Read only here, as the JVM's management classes cost 10-25 ms at every start.
     */
    private static long heapBytes() {
        long xmx = -1;
        try {
            for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (option.startsWith("-Xmx")) {
                    xmx = bytes(option.substring(4));
                }
            }
        } catch (RuntimeException | Error unreadable) {
            xmx = -1;
        }
        return xmx > 0 ? xmx : Runtime.getRuntime().maxMemory();
    }

    /** 256m, 1g, 1048576k, 268435456: a JVM memory size; -1 when it is not one. */
    static long bytes(String size) {
        String s = size.toLowerCase(Locale.ROOT);
        int unit = s.isEmpty() ? -1 : "kmgt".indexOf(s.charAt(s.length() - 1));
        try {
            long n = Long.parseLong(unit < 0 ? s : s.substring(0, s.length() - 1));
            return n << (10 * (unit + 1));
        } catch (NumberFormatException notASize) {
            return -1;
        }
    }

    /**
     * Camel's thread pools, with the scheduled ones watched for the heap running out. A polling consumer (the inbox's)
     * logs an Error of its route and rethrows it into its scheduled task, where the executor keeps it in the task's
     * future: no thread's handler sees it, the poll is never scheduled again and the run hangs. Built as Camel's own
     * factory builds them, with an afterExecute that looks at the finished task.
     */
    static final class ThreadPools extends DefaultThreadPoolFactory {
        @Override
        public ScheduledExecutorService newScheduledThreadPool(ThreadPoolProfile profile, ThreadFactory threads) {
            RejectedExecutionHandler rejected = profile.getRejectedExecutionHandler() != null
                    ? profile.getRejectedExecutionHandler() : new ThreadPoolExecutor.CallerRunsPolicy();
            ScheduledThreadPoolExecutor pool = new RejectableScheduledThreadPoolExecutor(profile.getPoolSize(), threads, rejected) {
                @Override
                protected void afterExecute(Runnable task, Throwable thrown) {
                    super.afterExecute(task, thrown);
                    if (task instanceof Future<?> future && future.isDone()) {
                        try {
                            future.get();
                        } catch (ExecutionException failed) {
                            ifCause(failed.getCause());
                        } catch (CancellationException cancelledOnStop) {
                            // nothing ran out
                        } catch (InterruptedException stopping) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            pool.setRemoveOnCancelPolicy(true);
            return profile.getMaxPoolSize() > 0 ? new SizedScheduledExecutorService(pool, profile.getMaxQueueSize()) : pool;
        }
    }
}
