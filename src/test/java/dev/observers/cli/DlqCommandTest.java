package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code observers dlq} end to end in one process: list, show, retry to a real receiver, purge, and the refusals. */
@QuarkusMainTest
@TestProfile(DlqCommandTest.Profile.class)
class DlqCommandTest {

    static final PgUrl DB = TestServers.newDatabase(DlqCommandTest.class);
    static final HttpReceiver RECEIVER = receiver();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("observers.db.url", DB.toUrl(), "observers.redis.url", TestServers.redis().address(),
                    "observers.redis.key-prefix", TestServers.namespace(DlqCommandTest.class) + ":",
                    "observers.config", observersFile().toString());
        }
    }

    private static HttpReceiver receiver() {
        try {
            return new HttpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path observersFile() {
        try {
            Path file = Files.createTempFile("dlq-observers-", ".yaml");
            Files.writeString(file, """
                    observers:
                      notify:
                        event_type: INSERT
                        entity: Order
                        actions:
                          - type: webhook
                            url: %s
                        retry: {max_attempts: 2, initial_delay_ms: 10, max_delay_ms: 20}
                        on_failure: dlq
                    """.formatted(RECEIVER.url("/dlq")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    /** A change-log row and a dead letter for it, as the daemon writes them; returns the dead letter's id. */
    private static long deadLetter(String observer, String kind, boolean gone) throws SQLException {
        try (Connection c = PostgresServer.connect(DB); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("""
                    WITH r AS (INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
                               VALUES ('Order', gen_random_uuid(), 'INSERT', '{"total": 5}') RETURNING *)
                    INSERT INTO core.observer_dead_letters (listener_id, change_log_pk, event_id, object_type, object_id,
                           observer_name, action_index, action_type, event, error, error_kind, attempts)
                    SELECT 'observers', r.pk_entity_change_log, r.id, r.object_type, r.object_id, %s, %s, %s,
                           jsonb_build_object('id', r.id, 'event_type', 'INSERT', 'entity_type', 'Order',
                                              'entity_id', r.object_id, 'data', r.object_data),
                           'webhook answered 503', '%s', 3 FROM r
                    RETURNING pk_dead_letter, change_log_pk""".formatted(
                    observer == null ? "NULL" : "'" + observer + "'", observer == null ? "NULL" : "0",
                    observer == null ? "NULL" : "'webhook'", kind));
            rs.next();
            long id = rs.getLong(1);
            if (gone) {
                s.execute("DELETE FROM core.tb_entity_change_log WHERE pk_entity_change_log = " + rs.getLong(2));
            }
            return id;
        }
    }

    @Test
    void listsShowsRetriesAndPurgesDeadLetters(QuarkusMainLauncher launcher) throws Exception {
        assertThat(launcher.launch("migrate").exitCode()).isZero();
        assertThat(launcher.launch("dlq", "list").getOutput()).contains("no unresolved dead letters");
        long retryable = deadLetter("notify", "action_failed", false);
        long fromStoredEvent = deadLetter("notify", "action_failed", true);
        long orphan = deadLetter("deleted_observer", "action_failed", false);
        long unreadable = deadLetter(null, "unreadable_row", false);

        LaunchResult list = launcher.launch("dlq", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.getOutput()).contains("notify", "deleted_observer", "(unreadable row)", "0 (webhook)",
                "webhook answered 503", "4 unresolved");
        assertThat(launcher.launch("dlq", "list", "--observer", "notify", "--limit", "1").getOutput())
                .contains("showing 1 of 2 unresolved of observer notify");

        LaunchResult show = launcher.launch("dlq", "show", String.valueOf(retryable));
        assertThat(show.exitCode()).isZero();
        assertThat(show.getOutput()).contains("observer:       notify", "status:         pending", "\"total\" : 5");
        LaunchResult missing = launcher.launch("dlq", "show", "999999");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.getErrorOutput()).contains("no dead letter with id 999999");

        LaunchResult dry = launcher.launch("dlq", "retry-all", "--dry-run");
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.getOutput()).contains("dead letter " + retryable + " (observer notify, action 0 (webhook)",
                "would not retry: observer deleted_observer no longer exists", "2 would be retried, 2 would not");
        assertThat(RECEIVER.requests()).isEmpty();

        LaunchResult one = launcher.launch("dlq", "retry", String.valueOf(retryable));
        assertThat(one.exitCode()).isZero();
        assertThat(one.getOutput()).contains("dead letter " + retryable, "resolved: action 0 (webhook) succeeded");
        assertThat(RECEIVER.requests()).hasSize(1);

        LaunchResult all = launcher.launch("dlq", "retry-all");
        assertThat(all.exitCode()).as("items are left").isEqualTo(1);
        assertThat(all.getOutput()).contains("dead letter " + fromStoredEvent, "resolved",
                "dead letter " + orphan, "not retried: observer deleted_observer no longer exists",
                "dead letter " + unreadable, "cannot be retried", "1 resolved, 0 failed again, 2 not retried");
        assertThat(RECEIVER.requests()).hasSize(2);

        LaunchResult again = launcher.launch("dlq", "retry", String.valueOf(retryable));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.getErrorOutput()).contains("not retried: already resolved");

        LaunchResult purgeNothing = launcher.launch("dlq", "purge");
        assertThat(purgeNothing.exitCode()).isEqualTo(2);
        assertThat(purgeNothing.getErrorOutput()).contains("--before T, --resolved-only, or both");
        LaunchResult badTime = launcher.launch("dlq", "purge", "--before", "last tuesday");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.getErrorOutput()).contains("'last tuesday' is not a time");
        LaunchResult purge = launcher.launch("dlq", "purge", "--resolved-only");
        assertThat(purge.exitCode()).isZero();
        assertThat(purge.getOutput()).contains("purged 2 dead letters, resolved ones");
        assertThat(launcher.launch("dlq", "list").getOutput()).contains("2 unresolved");
        assertThat(launcher.launch("dlq", "purge", "--before", "now").getOutput()).contains("purged 2 dead letters");
    }
}
