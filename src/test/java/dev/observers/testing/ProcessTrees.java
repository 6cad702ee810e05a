package dev.observers.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a server the tests started, with the processes it started in turn (Elasticsearch's launcher forks). */
public final class ProcessTrees {

    private ProcessTrees() {
    }

    /** SIGTERM to the process and its descendants, then SIGKILL to what is still alive after 20 s. */
    public static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
