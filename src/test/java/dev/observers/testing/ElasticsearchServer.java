package dev.observers.testing;

import dev.observers.config.HttpUrl;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

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
 * The test Elasticsearch: configured, containerised, or the 8.x integ-test node from Maven Central
 * (unpacked by the build) started as a subprocess. That node refuses to run as root, so under root it
 * runs as {@code nobody} through {@code setpriv}, with its config, data and logs in a temporary
 * directory that user owns.
 */
final class ElasticsearchServer {

    private static final int NOBODY = 65534;
    private static final String PORT_TAKEN = "a port was taken before the node bound it: ";

    private final HttpUrl url;

    private ElasticsearchServer(HttpUrl url) {
        this.url = url;
    }

    HttpUrl url() {
        return url;
    }

    /** The 9.x integ-test node (no Docker path), or {@code OBSERVERS_TEST_ES9_URL}. */
    static ElasticsearchServer start9() {
        String configured = TestServers.env("OBSERVERS_TEST_ES9_URL");
        if (configured != null) {
            return new ElasticsearchServer(HttpUrl.parse(configured));
        }
        try {
            return startSubprocess("test.elasticsearch9.home", "OBSERVERS_TEST_ES9_URL");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test Elasticsearch 9 node", e);
        }
    }

    /**
     * An 8.x node of its own whose write thread pool has one thread and a queue of one, so concurrent
     * bulk requests are refused with 429 (es_rejected_execution_exception) as a saturated cluster does,
     * and which refuses request bodies over 200 KB with 413.
     */
    static ElasticsearchServer startSaturated() {
        try {
            return startSubprocess("test.elasticsearch.home", "OBSERVERS_TEST_ES_URL",
                    "thread_pool.write.size=1", "thread_pool.write.queue_size=1", "http.max_content_length=200kb");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the saturated test Elasticsearch node", e);
        }
    }

    static ElasticsearchServer start() {
        String configured = TestServers.env("OBSERVERS_TEST_ES_URL");
        if (configured != null) {
            return new ElasticsearchServer(HttpUrl.parse(configured));
        }
        if (Docker.available()) {
            GenericContainer<?> c = new GenericContainer<>("docker.elastic.co/elasticsearch/elasticsearch:8.19.8")
                    .withEnv("discovery.type", "single-node")
                    .withEnv("xpack.security.enabled", "false")
                    .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
                    .withExposedPorts(9200)
                    .waitingFor(Wait.forHttp("/_cluster/health").forPort(9200).withStartupTimeout(Duration.ofMinutes(3)));
            c.start();
            return new ElasticsearchServer(HttpUrl.parse("http://" + c.getHost() + ":" + c.getMappedPort(9200)));
        }
        try {
            return startSubprocess("test.elasticsearch.home", "OBSERVERS_TEST_ES_URL");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test Elasticsearch node", e);
        }
    }

    /**
     * Starts the node on two free ports; when one of them was taken between choosing and binding (another
     * process on the machine got it first), tries again on two others.
     */
    private static ElasticsearchServer startSubprocess(String property, String variable, String... extraSettings)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnFreePorts(property, variable, extraSettings);
            } catch (IllegalStateException e) {
                if (!String.valueOf(e.getMessage()).startsWith(PORT_TAKEN) || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static ElasticsearchServer startOnFreePorts(String property, String variable, String... extraSettings)
            throws IOException {
        String homeProperty = System.getProperty(property);
        if (homeProperty == null || !Files.isDirectory(Path.of(homeProperty, "bin"))) {
            throw new IllegalStateException("no Elasticsearch for the tests: run them through Maven (mvn verify unpacks"
                    + " the test nodes into target/) or set " + variable);
        }
        Path home = Path.of(homeProperty).toAbsolutePath();
        Path work = Files.createTempDirectory("observers-es-");
        Path conf = work.resolve("config");
        run("cp", "-r", home.resolve("config").toString(), conf.toString());
        Files.createDirectories(work.resolve("data"));
        Files.createDirectories(work.resolve("logs"));
        Files.createDirectories(work.resolve("tmp"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run("chown", "-R", NOBODY + ":" + NOBODY, work.toString());
        }
        int httpPort = RedisServer.freePort();
        int transportPort = RedisServer.freePort();

        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        cmd.add(home.resolve("bin/elasticsearch").toString());
        for (String setting : List.of(
                "discovery.type=single-node",
                "xpack.security.enabled=false",
                "network.host=127.0.0.1",
                "http.port=" + httpPort,
                "transport.port=" + transportPort,
                "path.data=" + work.resolve("data"),
                "path.logs=" + work.resolve("logs"),
                "cluster.name=observers-test",
                "cluster.routing.allocation.disk.threshold_enabled=false",
                "action.destructive_requires_name=false")) {
            cmd.add("-E");
            cmd.add(setting);
        }
        for (String setting : extraSettings) {
            cmd.add("-E");
            cmd.add(setting);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("console.log").toFile());
        pb.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("ES_PATH_CONF", conf.toString());
        pb.environment().put("ES_TMPDIR", work.resolve("tmp").toString());
        pb.environment().put("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessTrees.stop(process)));

        HttpUrl url = HttpUrl.parse("http://127.0.0.1:" + httpPort);
        waitUntilHealthy(url, process, work);
        return new ElasticsearchServer(url);
    }

    private static void waitUntilHealthy(HttpUrl url, Process process, Path work) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url.uri() + "/_cluster/health?wait_for_status=yellow&timeout=5s"))
                .timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                Path log = work.resolve("console.log");
                String all = Files.exists(log) ? Files.readString(log) : "";
                boolean portTaken = all.contains("BindException") || all.contains("Failed to bind");
                throw new IllegalStateException((portTaken ? PORT_TAKEN : "") + "the test Elasticsearch exited with "
                        + process.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Elasticsearch", e);
            }
            sleep(250);
        }
        ProcessTrees.stop(process);
        throw new IllegalStateException("the test Elasticsearch did not become healthy within 180 s:\n"
                + tail(work.resolve("console.log")));
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void run(String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
