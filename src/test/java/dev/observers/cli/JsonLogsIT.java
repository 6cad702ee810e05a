package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.observers.cli.PipelineIT.env;
import static dev.observers.cli.PipelineIT.insert;
import static dev.observers.cli.PipelineIT.observers;
import static org.assertj.core.api.Assertions.assertThat;

/** OBSERVERS_LOG_JSON=true: the daemon's log is one JSON object per line, failures naming listener, observer and event. */
class JsonLogsIT {

    @Test
    void everyLineIsAJsonObjectAndADeadLetterNamesListenerObserverAndEvent() throws Exception {
        PgUrl db = TestServers.newDatabase(JsonLogsIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            receiver.respondWith(body -> 410);
            List<String> ids;
            String output;
            try (DaemonProcess daemon = DaemonProcess.start(env(db, observers(receiver, "Post"),
                    Map.of("OBSERVERS_LOG_JSON", "true")), "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                ids = insert(db, "Post", 1);
                daemon.awaitOutput("dead-lettered", Duration.ofSeconds(30));
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
                output = daemon.output();
            }
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (!line.isBlank() && !line.startsWith("WARNING: ")) {
                    lines.add(json.readTree(line));
                }
            }
            assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.has("level") && l.has("message")).isTrue());
            assertThat(lines).anySatisfy(l -> assertThat(l.get("message").asText())
                    .contains("listener observers", "observer notify_receiver", "event " + ids.getFirst(), "dead-lettered"));
        }
    }
}
