package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.observers.cli.PipelineIT.env;
import static dev.observers.cli.PipelineIT.observers;
import static org.assertj.core.api.Assertions.assertThat;

/** What a new user sees first, from the packaged daemon: a clean start, and one line per bad setting. */
class FirstContactIT {

    private static List<String> problemLines(String output) {
        return Arrays.stream(output.split("\n"))
                .filter(line -> !line.isBlank() && !line.startsWith("WARNING: "))
                .toList();
    }

    @ParameterizedTest(name = "{0}={1} {2}")
    @CsvSource({
            "OBSERVERS_CHECKPOINT_BATCH_SIZE, abc, run, 'is ''abc'': must be a whole number between 1 and 1000000'",
            "OBSERVERS_CHECKPOINT_BATCH_SIZE, abc, config, 'is ''abc'': must be a whole number between 1 and 1000000'",
            "OBSERVERS_CHECKPOINT_BATCH_SIZE, abc, status, 'is ''abc'': must be a whole number between 1 and 1000000'",
            "OBSERVERS_DEDUP_ENABLED, maybe, run, 'is ''maybe'': must be true or false'",
            "OBSERVERS_LOG_JSON, perhaps, config, 'is ''perhaps'': must be true or false'",
            "OBSERVERS_DEDUP_FAIL_CLOSED, ture, dlq list, 'is ''ture'': must be true or false'",
            "OBSERVERS_ACTION_TIMEOUT_MS, 5s, run, 'is ''5s'': must be a whole number of milliseconds'",
            "OBSERVERS_LISTENER_POLL_INTERVAL_MS, 1.5, replay --from 1, 'is ''1.5'': must be a whole number of milliseconds'",
            "OBSERVERS_SMTP_TLS, ssl, config, 'is ''ssl'': must be one of starttls, tls, none'",
            "OBSERVERS_SMTP_TLS, ssl, validate, 'is ''ssl'': must be one of starttls, tls, none'",
            "OBSERVERS_REDIS_URL, http://cache:6379, run, 'is not a valid URL'",
            "OBSERVERS_DB_URL, mysql://db/app, migrate, 'is not a valid URL'",
            "OBSERVERS_HTTP_PORT, 99999, metrics, 'is ''99999'': must be a whole number between 0 and 65535'",
            "FRAISEQL_MAX_CONCURRENT_ACTIONS, lots, run, 'is ''lots'': must be a whole number between 1 and 100000'"})
    void anInvalidValueIsOneLineNamingTheVariableForEveryCommand(String variable, String value, String command,
                                                                 String expected) throws Exception {
        try (DaemonProcess process = DaemonProcess.start(Map.of(variable, value), command.split(" "))) {
            assertThat(process.waitForExit(Duration.ofSeconds(60))).as(process.output()).isEqualTo(2);
            String named = variable.startsWith("FRAISEQL_") ? "(or " + variable + ")" : variable;
            assertThat(problemLines(process.output())).singleElement().asString()
                    .startsWith("observers: ").contains(named, expected);
        }
    }

    @Test
    void aStartWithNothingWrongLogsNoWarningOrErrorTheFirstTimeOrTheSecond() throws Exception {
        PgUrl db = TestServers.newDatabase(FirstContactIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Map<String, String> env = env(db, observers(receiver, "Post"), Map.of());
            for (String start : List.of("first", "second")) {
                try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
                    daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                    assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
                    assertThat(daemon.output().lines().filter(l -> l.matches(".*\\b(WARN|ERROR)\\b.*")))
                            .as(start + " start:\n" + daemon.output()).isEmpty();
                }
            }
        }
    }
}
