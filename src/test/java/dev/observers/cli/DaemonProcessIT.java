package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.postgres.Migrator;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged daemon as users run it: start, serve health, stop cleanly on SIGTERM. */
class DaemonProcessIT {

    @Test
    void runsAgainstConfiguredServersAndExitsZeroOnSigterm() throws Exception {
        PgUrl db = TestServers.newDatabase(DaemonProcessIT.class);
        try (DaemonProcess daemon = DaemonProcess.start(Map.of(
                "OBSERVERS_DB_URL", db.toUrl(),
                "OBSERVERS_REDIS_URL", TestServers.redis().address()), "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            assertThat(daemon.get("/q/health/live")).isEqualTo(200);
            assertThat(daemon.output()).contains("search indexing is off").doesNotContain("embedded");
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
        try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM core.observers_schema_migrations")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(Migrator.MIGRATIONS.size());
        }
    }

    @Test
    void theEmbeddedDefaultStartsWithNothingConfiguredAndKeepsItsDataAcrossRuns() throws Exception {
        Path dataDir = Files.createTempDirectory("observers-embedded-");
        int pgPort = DaemonProcess.freePort();
        Map<String, String> env = Map.of(
                "OBSERVERS_EMBEDDED_DATA_DIR", dataDir.toString(),
                "OBSERVERS_EMBEDDED_PG_PORT", String.valueOf(pgPort),
                "OBSERVERS_EMBEDDED_REDIS_PORT", String.valueOf(DaemonProcess.freePort()));
        PgUrl embedded = new PgUrl("127.0.0.1", pgPort, "postgres", "postgres", Optional.empty(), Map.of());

        try (DaemonProcess first = DaemonProcess.start(env, "run")) {
            first.awaitOutput("observers running", Duration.ofSeconds(120));
            assertThat(first.output()).contains("started embedded PostgreSQL", "started embedded Redis",
                    "applied migration V1__change_log.sql");
            try (Connection c = PostgresServer.connect(embedded); Statement s = c.createStatement()) {
                s.execute("INSERT INTO core.tb_entity_change_log (object_type, modification_type) VALUES ('Kept', 'INSERT')");
            }
            assertThat(first.stop(Duration.ofSeconds(30))).isZero();
        }

        try (DaemonProcess second = DaemonProcess.start(env, "run")) {
            second.awaitOutput("observers running", Duration.ofSeconds(120));
            assertThat(second.output()).doesNotContain("applied migration");
            try (Connection c = PostgresServer.connect(embedded); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM core.tb_entity_change_log WHERE object_type = 'Kept'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            assertThat(second.stop(Duration.ofSeconds(30))).isZero();
        }
    }
}
