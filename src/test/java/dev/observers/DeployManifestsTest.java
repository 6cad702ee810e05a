package dev.observers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.observers.config.Knob;
import dev.observers.observer.ObserverFileLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/ cannot be run here (no container engine, no cluster), so it is kept honest by reading: every
 * file parses, every OBSERVERS_* name it or ilm-policies/ uses is a real knob, the observer definitions
 * it ships load, and the Kubernetes objects agree with the daemon (port, health paths, grace period).
 */
class DeployManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("\\bOBSERVERS_[A-Z0-9_]+\\b");
    /** Variables of the start scripts, not configuration knobs. */
    private static final Set<String> NOT_KNOBS = Set.of("OBSERVERS_JAVA_OPTS");

    private static List<Path> files(String root) throws IOException {
        try (Stream<Path> s = Files.walk(Path.of(root))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(yaml.toFile())) {
            while (it.hasNext()) {
                JsonNode d = (JsonNode) it.next();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    private static Map<String, JsonNode> kubernetesByKind() throws IOException {
        Map<String, JsonNode> byKind = new java.util.HashMap<>();
        for (Path f : files("deploy/kubernetes")) {
            for (JsonNode d : documents(f)) {
                byKind.put(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText(), d);
            }
        }
        return byKind;
    }

    @Test
    void everyYamlFileParsesAndEveryKubernetesObjectHasAKindAndAName() throws IOException {
        List<Path> yamls = Stream.of("deploy", "ilm-policies").flatMap(r -> {
            try {
                return files(r).stream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList();
        assertThat(yamls).extracting(Path::toString).contains("deploy/kubernetes/deployment.yaml",
                "deploy/compose/compose.yaml");
        for (Path f : yamls) {
            assertThat(documents(f)).as(f.toString()).isNotEmpty();
        }
        for (Path f : files("deploy/kubernetes")) {
            for (JsonNode d : documents(f)) {
                if (f.getFileName().toString().equals("kustomization.yaml")) {
                    d.path("resources").forEach(r -> assertThat(Path.of("deploy/kubernetes", r.asText())).exists());
                    continue;
                }
                assertThat(d.path("apiVersion").asText()).as(f + " apiVersion").isNotBlank();
                assertThat(d.path("kind").asText()).as(f + " kind").isNotBlank();
                assertThat(d.path("metadata").path("name").asText()).as(f + " name").isNotBlank();
            }
        }
        for (Path f : files("ilm-policies")) {
            if (f.toString().endsWith(".json")) {
                new ObjectMapper().readTree(f.toFile());
            }
        }
    }

    @Test
    void everyObserversVariableUnderDeployAndIlmPoliciesIsARealKnob() throws IOException {
        Set<String> knobs = Knob.all().stream().map(Knob::env).collect(Collectors.toSet());
        Set<String> unknown = new TreeSet<>();
        int seen = 0;
        for (String root : List.of("deploy", "ilm-policies")) {
            for (Path f : files(root)) {
                Matcher m = NAME.matcher(Files.readString(f));
                while (m.find()) {
                    seen++;
                    if (!knobs.contains(m.group()) && !NOT_KNOBS.contains(m.group())) {
                        unknown.add(f + ": " + m.group());
                    }
                }
            }
        }
        assertThat(seen).as("names found").isGreaterThan(20);
        assertThat(unknown).as("OBSERVERS_* names that are not configuration").isEmpty();
    }

    @Test
    void theShippedObserverDefinitionsLoad(@TempDir Path dir) throws IOException {
        JsonNode definitions = kubernetesByKind().get("ConfigMap/observers-definitions");
        Path fromConfigMap = dir.resolve("observers.yaml");
        Files.writeString(fromConfigMap, definitions.path("data").path("observers.yaml").asText());
        assertThat(ObserverFileLoader.load(fromConfigMap)).extracting(d -> d.name()).containsExactly("order-created");
        assertThat(ObserverFileLoader.load(Path.of("deploy/compose/observers.yaml"))).hasSize(2);
        // Conditions read the event's data by its own field names (total > 100); "data.total" is a missing
        // field, so such an observer would never fire, and it still loads.
        for (Path f : List.of(fromConfigMap, Path.of("deploy/compose/observers.yaml"))) {
            for (var d : ObserverFileLoader.load(f)) {
                d.condition().ifPresent(c -> assertThat(c.text()).as(f + " " + d.name()).doesNotContainPattern("\\bdata\\."));
            }
        }
    }

    @Test
    void theDeploymentAgreesWithTheDaemonOnPortHealthAndShutdown() throws IOException {
        Map<String, JsonNode> k8s = kubernetesByKind();
        JsonNode settings = k8s.get("ConfigMap/observers-settings").path("data");
        JsonNode pod = k8s.get("Deployment/observers").path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        int port = settings.path("OBSERVERS_HTTP_PORT").asInt();
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(port);
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        long shutdownMs = settings.path("OBSERVERS_SHUTDOWN_TIMEOUT_MS").asLong();
        assertThat(pod.path("terminationGracePeriodSeconds").asLong() * 1000).as("grace period beyond the shutdown budget")
                .isGreaterThan(shutdownMs);
        assertThat(k8s.get("Service/observers").path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(port);
        assertThat(k8s.get("ServiceMonitor/observers").path("spec").path("endpoints").get(0).path("path").asText())
                .isEqualTo("/q/metrics");
        assertThat(k8s).containsKey("PodDisruptionBudget/observers");
        assertThat(k8s.get("Deployment/observers").path("spec").path("replicas").asInt())
                .as("replicas at most the partitions").isLessThanOrEqualTo(settings.path("OBSERVERS_CLAIMS_PARTITIONS").asInt());

        JsonNode compose = documents(Path.of("deploy/compose/compose.yaml")).getFirst().path("services").path("observers");
        assertThat(compose.path("stop_grace_period").asText()).isEqualTo("45s");
        assertThat(Files.readString(Path.of("deploy/systemd/observers.service"))).containsPattern("TimeoutStopSec=(4[5-9]|[5-9][0-9])");
        assertThat(Path.of("deploy/docker/entrypoint.sh")).isExecutable();
    }
}
