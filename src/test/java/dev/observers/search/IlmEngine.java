package dev.observers.search;

import dev.observers.testing.DaemonProcess;
import dev.observers.testing.ProcessTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ILM engine for checking policy files: the Elasticsearch 6.8.23 default distribution (x-pack
 * basic, security off), unpacked by the build into target/elasticsearch-ilm, on Java 17 (it fails on
 * 25), polling lifecycles every second. Spoken to over plain HTTP: it predates the product client's
 * API. Under root it runs as {@code nobody}, as it refuses root.
 */
final class IlmEngine implements AutoCloseable {

    static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    private static final int NOBODY = 65534;

    private final Process process;
    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private IlmEngine(Process process, URI uri) {
        this.process = process;
        this.uri = uri;
    }

    /** The unpacked distribution, or null when the build did not unpack it. */
    static Path home() {
        String home = System.getProperty("test.elasticsearch.ilm.home");
        return home == null || !Files.isDirectory(Path.of(home, "bin")) ? null : Path.of(home);
    }

    static boolean java17() {
        return Files.isExecutable(JAVA_17.resolve("bin/java"));
    }

    static IlmEngine start(Path home) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("observers-es-ilm-");
        Path conf = work.resolve("config");
        run("cp", "-r", home.resolve("config").toString(), conf.toString());
        for (String dir : List.of("data", "logs", "tmp")) {
            Files.createDirectories(work.resolve(dir));
        }
        // its jvm.options write GC logs and dumps relative to the (root-owned) distribution
        Path jvmOptions = conf.resolve("jvm.options");
        Files.writeString(jvmOptions, Files.readString(jvmOptions)
                .replace("file=logs/gc.log", "file=" + work.resolve("logs/gc.log"))
                .replace("HeapDumpPath=data", "HeapDumpPath=" + work.resolve("data"))
                .replace("ErrorFile=logs/", "ErrorFile=" + work.resolve("logs") + "/"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run("chown", "-R", NOBODY + ":" + NOBODY, work.toString());
        }
        int httpPort = DaemonProcess.freePort();
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        cmd.add(home.resolve("bin/elasticsearch").toString());
        for (String setting : List.of(
                "discovery.type=single-node",
                "xpack.security.enabled=false",
                "xpack.ml.enabled=false",
                "xpack.monitoring.enabled=false",
                "indices.lifecycle.poll_interval=1s",
                "network.host=127.0.0.1",
                "http.port=" + httpPort,
                "transport.port=" + DaemonProcess.freePort(),
                "path.data=" + work.resolve("data"),
                "path.logs=" + work.resolve("logs"),
                "cluster.name=observers-ilm-test",
                "cluster.routing.allocation.disk.threshold_enabled=false")) {
            cmd.add("-E");
            cmd.add(setting);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", JAVA_17.toString());
        pb.environment().put("ES_JAVA_HOME", JAVA_17.toString());
        pb.environment().put("ES_PATH_CONF", conf.toString());
        pb.environment().put("ES_TMPDIR", work.resolve("tmp").toString());
        pb.environment().put("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        IlmEngine engine = new IlmEngine(pb.start(), URI.create("http://127.0.0.1:" + httpPort));
        Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
        engine.awaitHealthy(work.resolve("console.log"));
        return engine;
    }

    /** One request; the body, when given, as JSON. */
    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitHealthy(Path console) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Elasticsearch 6.8 exited with " + process.exitValue() + ":\n"
                        + Files.readString(console));
            }
            try {
                if (send("GET", "/_cluster/health?wait_for_status=yellow&timeout=5s", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException("Elasticsearch 6.8 did not become healthy within 120 s:\n" + Files.readString(console));
    }

    @Override
    public void close() {
        ProcessTrees.stop(process);
    }


    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", cmd) + " exited with " + p.exitValue()));
        }
    }
}
