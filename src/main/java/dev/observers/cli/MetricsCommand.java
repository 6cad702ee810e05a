package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code observers metrics}: the running daemon's Prometheus metrics as a terminal dashboard. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Reads the running daemon's /q/metrics and prints throughput (events/s over a window), action"
                + " latency p50/p95/p99 by type, failure rate, cache hit rate, dedup skips, lag per listener and dead"
                + " letters, with the healthy thresholds marked (failure rate < 5 %%, p99 < 2 s, cache hit rate > 70 %%).",
        footer = {"", "Exit status: 1 when no daemon answers at the URL.", "",
                "Examples:", "  observers metrics", "  observers metrics --watch",
                "  observers metrics --json | jq .actions.failure_rate",
                "  observers metrics --url http://observers-0.observers:9464/q/metrics --raw"})
public class MetricsCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL",
            description = "The metrics endpoint (default: http://127.0.0.1:$OBSERVERS_HTTP_PORT/q/metrics).")
    String url;

    @Option(names = "--watch", description = "Redraw in place every interval until interrupted.")
    boolean watch;

    @Option(names = "--json", description = "Print the figures as JSON (one document per refresh with --watch).")
    boolean json;

    @Option(names = "--raw", description = "Print the Prometheus text as served.")
    boolean raw;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "The window rates are measured over, and the refresh period of --watch (default: ${DEFAULT-VALUE}).")
    double interval;

    @Inject
    ObserversConfig config;

    @Spec
    CommandSpec spec;

    /** The endpoint could not be read; the message says which and why. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        if (interval < 0.1 || interval > 3600) {
            throw new ParameterException(spec.commandLine(), "--interval must be between 0.1 and 3600 seconds, got " + interval);
        }
        String endpoint = url != null ? url : "http://127.0.0.1:" + config.httpPort() + "/q/metrics";
        PrintWriter out = spec.commandLine().getOut();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            if (raw) {
                out.print(fetch(http, endpoint));
                out.flush();
                return ExitCodes.OK;
            }
            PrometheusText before = PrometheusText.parse(fetch(http, endpoint));
            long beforeAt = System.nanoTime();
            do {
                Thread.sleep((long) (interval * 1000));
                PrometheusText after = PrometheusText.parse(fetch(http, endpoint));
                long afterAt = System.nanoTime();
                MetricsSummary summary = MetricsSummary.of(before, after, (afterAt - beforeAt) / 1e9);
                if (watch && !json) {
                    out.print("\033[H\033[2J");
                }
                out.print(json ? MetricsView.json(summary, endpoint) : MetricsView.text(summary, endpoint));
                out.flush();
                before = after;
                beforeAt = afterAt;
            } while (watch);
            return ExitCodes.OK;
        } catch (Unreachable e) {
            spec.commandLine().getErr().println("observers metrics: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILURE;
        }
    }

    private static String fetch(HttpClient http, String endpoint) throws Unreachable, InterruptedException {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new Unreachable("--url " + endpoint + " is not a URL: " + e.getMessage());
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new Unreachable(endpoint + " answered HTTP " + response.statusCode() + ", not metrics");
            }
            return response.body();
        } catch (ConnectException e) {
            throw new Unreachable("no daemon answers at " + endpoint + " (connection refused); is `observers run` running"
                    + " there? (--url or OBSERVERS_HTTP_PORT)");
        } catch (HttpTimeoutException e) {
            throw new Unreachable("no answer from " + endpoint + " within 5 s");
        } catch (IOException | IllegalArgumentException e) {
            throw new Unreachable("cannot read " + endpoint + ": " + e);
        }
    }
}
