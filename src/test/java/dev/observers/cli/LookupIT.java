package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static dev.observers.cli.PipelineIT.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Enrichment lookups in the running daemon: conditions and templates see the looked-up data. */
class LookupIT {

    @Test
    void aConditionAndATemplateReadASqlLookupOfTheEvent() throws Exception {
        PgUrl db = TestServers.newDatabase(LookupIT.class);
        try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE app_customer (id int PRIMARY KEY, email text, tier text)");
            s.execute("INSERT INTO app_customer VALUES (1, 'gold@example.com', 'gold'), (2, 'silver@example.com', 'silver')");
        }
        try (HttpReceiver receiver = new HttpReceiver()) {
            Path file = Files.createTempFile("lookups-", ".yaml");
            Files.writeString(file, """
                    observers:
                      gold_orders:
                        event_type: INSERT
                        entity: Order
                        lookups:
                          customer:
                            sql: "SELECT email, tier FROM app_customer WHERE id = $1"
                            params: [data.customer_id]
                        condition: "customer.tier == gold"
                        actions:
                          - type: webhook
                            url: %s
                            body_template: '{"order": "{{ data.n }}", "email": "{{ customer.email }}"}'
                    """.formatted(receiver.url("/gold")));
            try (DaemonProcess daemon = DaemonProcess.start(env(db, file, Map.of()), "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)"
                            + " SELECT 'Order', gen_random_uuid(), 'INSERT', jsonb_build_object('n', g, 'customer_id', 1 + g % 2)"
                            + " FROM generate_series(1, 10) g");
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() >= 5);
                Thread.sleep(500);
                assertThat(receiver.requests()).hasSize(5)
                        .allSatisfy(r -> assertThat(r.body()).contains("\"email\": \"gold@example.com\""));
                assertThat(daemon.body("/q/metrics")).contains("observer_cache_hits_total", "observer_cache_misses_total");
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
        }
    }
}
