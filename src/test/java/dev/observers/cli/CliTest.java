package dev.observers.cli;

import dev.observers.testing.HarnessProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusMainTest
@TestProfile(CliTest.Profile.class)
class CliTest {

    public static class Profile extends HarnessProfile {
        @Override
        protected Map<String, String> extra() {
            return Map.of("observers.elasticsearch.url", "http://elastic:es-pa55@127.0.0.1:1");
        }
    }

    @Test
    void configPrintsEveryKnobWithSecretsMasked(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("config");
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput())
                .contains("OBSERVERS_DB_URL", "OBSERVERS_CHECKPOINT_BATCH_SIZE", "OBSERVERS_MAX_CONCURRENT_ACTIONS")
                .contains("http://elastic:***@127.0.0.1:1")
                .doesNotContain("es-pa55");
    }

    @Test
    void migrateAppliesTheSchemaOnceAndThenReportsItUpToDate(QuarkusMainLauncher launcher) {
        LaunchResult first = launcher.launch("migrate");
        assertThat(first.exitCode()).isZero();
        LaunchResult second = launcher.launch("migrate");
        assertThat(second.exitCode()).isZero();
        assertThat(first.getOutput() + second.getOutput()).contains("is up to date");
    }

    @Test
    void helpListsTheCommands(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).contains("run", "migrate", "config", "demo");
    }
}
