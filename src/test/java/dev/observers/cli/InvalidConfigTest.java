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
@TestProfile(InvalidConfigTest.Profile.class)
class InvalidConfigTest {

    public static class Profile extends HarnessProfile {
        @Override
        protected Map<String, String> extra() {
            return Map.of("observers.checkpoint.batch-size", "-1",
                    "observers.db.url", "mysql://app:hunter2@db/app");
        }
    }

    @Test
    void runRefusesToStartAndNamesEachVariableAndItsRange(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("run");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput())
                .contains("OBSERVERS_CHECKPOINT_BATCH_SIZE", "between 1 and 1000000")
                .contains("OBSERVERS_DB_URL", "postgresql://")
                .doesNotContain("hunter2");
    }

    @Test
    void configShowsTheProblemsAndFails(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("config");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("OBSERVERS_CHECKPOINT_BATCH_SIZE");
        assertThat(result.getOutput() + result.getErrorOutput()).doesNotContain("hunter2");
    }
}
