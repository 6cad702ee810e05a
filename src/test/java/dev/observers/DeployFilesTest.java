package dev.observers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules and the Grafana dashboard under deploy/: well-formed, complete, over metrics the
 * README documents, and — when promtool is on PATH — valid PromQL whose alerts fire on the series they
 * are meant for (src/test/resources/prometheus/alerts-test.yml).
 */
class DeployFilesTest {

    private static final Path ALERTS = Path.of("deploy/prometheus/alerts.yml");
    private static final Path DASHBOARD = Path.of("deploy/grafana/observers-dashboard.json");
    private static final Path ALERT_TESTS = Path.of("src/test/resources/prometheus/alerts-test.yml");
    private static final Pattern METRIC = Pattern.compile("\\bobserver_[a-z_]+");

    private static Optional<Path> promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String run(Path promtool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }

    /** Every metric name the README lists (histogram series count as their base name). */
    private static Set<String> documentedMetrics() throws Exception {
        Set<String> names = new HashSet<>();
        Matcher m = METRIC.matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    private static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group().replaceAll("_(bucket|count|sum|max)$", ""));
        }
        return names;
    }

    private static List<JsonNode> rules() throws Exception {
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
        List<JsonNode> rules = new ArrayList<>();
        yaml.get("groups").forEach(g -> g.get("rules").forEach(rules::add));
        return rules;
    }

    @Test
    void everyAlertHasAnExpressionADurationASeverityAndWordsForTheOnCall() throws Exception {
        List<JsonNode> rules = rules();
        assertThat(rules).extracting(r -> r.path("alert").asText()).doesNotHaveDuplicates()
                .contains("ObserversActionLatencyHigh", "ObserversCacheHitRateLow", "ObserversActionFailureRateHigh",
                        "ObserversListenerLagging", "ObserversDeadLettersGrowing");
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertThat(rule.path("expr").asText()).as(name + " expr").isNotBlank();
            assertThat(rule.path("for").asText()).as(name + " for").matches("\\d+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as(name + " severity").isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
            assertThat(documentedMetrics()).as(name + " uses documented metrics")
                    .containsAll(metricsIn(rule.path("expr").asText()));
        }
    }

    @Test
    void theGuidesThresholdsAreTheOnesAlertedOn() throws Exception {
        List<JsonNode> rules = rules();
        JsonNode latency = rules.stream().filter(r -> r.path("alert").asText().equals("ObserversActionLatencyHigh")).findFirst().orElseThrow();
        assertThat(latency.path("expr").asText()).contains("histogram_quantile(0.99", "observer_action_duration_seconds_bucket", "> 2");
        assertThat(latency.path("for").asText()).isEqualTo("5m");
        JsonNode cache = rules.stream().filter(r -> r.path("alert").asText().equals("ObserversCacheHitRateLow")).findFirst().orElseThrow();
        assertThat(cache.path("expr").asText()).contains("< 0.7");
        assertThat(cache.path("for").asText()).isEqualTo("10m");
        JsonNode failures = rules.stream().filter(r -> r.path("alert").asText().equals("ObserversActionFailureRateHigh")).findFirst().orElseThrow();
        assertThat(failures.path("expr").asText()).contains("observer_actions_failed_total", "observer_actions_executed_total", "> 0.05");
        assertThat(failures.path("for").asText()).isEqualTo("5m");
    }

    @Test
    void promtoolAcceptsTheRulesAndTheyFireOnTheSeriesTheyAreFor() throws Exception {
        Optional<Path> promtool = promtool();
        if (promtool.isEmpty()) {
            System.out.println("promtool is not on PATH: alert rules checked as YAML only (apt-get install prometheus adds it)");
            return;
        }
        assertThat(run(promtool.get(), "check", "rules", ALERTS.toString())).contains("SUCCESS");
        assertThat(run(promtool.get(), "test", "rules", ALERT_TESTS.toString())).contains("SUCCESS");
    }

    @Test
    void theDashboardQueriesDocumentedMetricsWithValidPromQl() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("uid").asText()).isEqualTo("observers-overview");
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("title").asText()).isNotBlank();
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            panel.get("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricsIn(e)));
        assertThat(documentedMetrics()).containsAll(used);
        assertThat(used).contains("observer_events_processed_total", "observer_action_duration_seconds",
                "observer_actions_failed_total", "observer_cache_hits_total", "observer_dedup_skipped_total",
                "observer_checkpoint_lag_events", "observer_checkpoint_lag_seconds", "observer_dlq_items",
                "observer_checkpoint_writes_total");

        Optional<Path> promtool = promtool();
        if (promtool.isPresent()) {
            StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
            for (int i = 0; i < exprs.size(); i++) {
                String expr = exprs.get(i).replace("$__rate_interval", "5m").replace("$listener", ".*");
                rules.append("      - record: dashboard:query_").append(i).append("\n        expr: '")
                        .append(expr.replace("'", "''")).append("'\n");
            }
            Path file = Files.createTempFile("dashboard-queries-", ".yml");
            Files.writeString(file, rules);
            assertThat(run(promtool.get(), "check", "rules", file.toString())).contains("SUCCESS");
        }
    }
}
