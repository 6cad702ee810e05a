package dev.observers.cli;

import dev.observers.testing.HarnessProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code observers status} against a database of its own, before and after the schema exists. */
@QuarkusMainTest
@TestProfile(StatusCommandTest.Profile.class)
class StatusCommandTest {

    public static class Profile extends HarnessProfile {
    }

    @Test
    void asksForMigrationOnAnEmptyDatabaseThenSaysNoSubscriptionHasRun(QuarkusMainLauncher launcher) {
        LaunchResult unmigrated = launcher.launch("status");
        assertThat(unmigrated.exitCode()).isEqualTo(1);
        assertThat(unmigrated.getErrorOutput()).contains("lacks the observers schema", "observers migrate");

        assertThat(launcher.launch("migrate").exitCode()).isZero();
        LaunchResult status = launcher.launch("status");
        assertThat(status.exitCode()).isZero();
        assertThat(status.getOutput()).contains("subscriptions: none has run yet", "dead letters: none unresolved");

        LaunchResult json = launcher.launch("status", "--json");
        assertThat(json.exitCode()).isZero();
        assertThat(json.getOutput()).contains("\"listeners\" : [ ]", "\"unresolved\" : 0");
    }
}
