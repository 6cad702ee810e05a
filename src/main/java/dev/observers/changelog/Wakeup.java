package dev.observers.changelog;

import java.time.Duration;

/** A latch a listener sleeps on between reads: a NOTIFY, a completion or a stop wakes it early. */
public final class Wakeup {

    private boolean signalled;

    public synchronized void signal() {
        signalled = true;
        notifyAll();
    }

    /** Sleeps until signalled or {@code timeout} passes; clears the signal. */
    public synchronized void await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!signalled) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        signalled = false;
    }
}
