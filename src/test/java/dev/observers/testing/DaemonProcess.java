package dev.observers.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged daemon ({@code target/quarkus-app/quarkus-run.jar}) as a separate process, for tests of
 * what only a real process shows: start-up, SIGTERM, {@code kill -9}.
 */
public final class DaemonProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int httpPort;

    private DaemonProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Starts {@code observers <args>} with {@code env} added to a clean environment (no OBSERVERS_* leaks in). */
    public static DaemonProcess start(Map<String, String> env, String... args) throws IOException {
        return start(List.of(), env, args);
    }

    /** The same with options for the JVM ({@code -XX:AOTCache=...}) before {@code -jar}. */
    public static DaemonProcess start(List<String> jvmOptions, Map<String, String> env, String... args) throws IOException {
        String jar = System.getProperty("test.app.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("the packaged application is missing (" + jar + "): run through mvn verify");
        }
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("observers-daemon-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OBSERVERS_") || k.startsWith("FRAISEQL_"));
        pb.environment().put("OBSERVERS_HTTP_PORT", String.valueOf(port));
        pb.environment().putAll(env);
        return new DaemonProcess(pb.start(), log, port);
    }

    public int httpPort() {
        return httpPort;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Waits until the output contains {@code text}; fails with the output if the process exits first. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("daemon exited with " + process.exitValue() + " before printing '" + text
                        + "':\n" + output());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("daemon did not print '" + text + "' within " + timeout + ":\n" + output());
    }

    /** HTTP GET on the daemon's port; the status code, or -1 when nothing answers. */
    public int get(String path) throws InterruptedException {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(5))
                            .build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** HTTP GET on the daemon's port; the body (empty when nothing answers). */
    public String body(String path) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(5))
                            .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits for the process to end by itself; its exit code. */
    public int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("daemon still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, then the exit code (the process is killed if it does not exit within {@code timeout}). */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("daemon did not exit within " + timeout + " of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL, as {@code kill -9} does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
