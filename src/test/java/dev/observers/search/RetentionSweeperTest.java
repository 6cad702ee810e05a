package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Against the real test Elasticsearch: indices are created, swept with a fixed clock, and looked for. */
class RetentionSweeperTest {

    private static final Clock DECEMBER_10 = Clock.fixed(Instant.parse("2026-12-10T12:00:00Z"), ZoneOffset.UTC);

    private final ElasticsearchClient es = SearchClients.create(TestServers.elasticsearch());
    private final List<String> prefixes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        for (String prefix : prefixes) {
            readOnly(prefix + "-*", false);
            es.indices().delete(d -> d.index(prefix + "-*").allowNoIndices(true)
                    .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed));
        }
        es._transport().close();
    }

    private String prefix() {
        String prefix = TestServers.namespace(RetentionSweeperTest.class);
        prefixes.add(prefix);
        return prefix;
    }

    private void create(String... names) throws IOException {
        for (String name : names) {
            es.indices().create(c -> c.index(name).settings(s -> s.numberOfShards("1").numberOfReplicas("0")));
        }
    }

    /** A read-only index cannot be deleted: a real failure for the sweeper to retry. */
    private void readOnly(String index, boolean readOnly) throws IOException {
        es.indices().putSettings(p -> p.index(index).allowNoIndices(true).expandWildcards(ExpandWildcard.Open)
                .withJson(new StringReader("{\"index.blocks.read_only\": " + readOnly + "}")));
    }

    private List<String> existing(String prefix) throws IOException {
        return es.indices().resolveIndex(r -> r.name(prefix + "-*").expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed))
                .indices().stream().map(i -> i.name()).sorted().toList();
    }

    @Test
    void deletesExactlyTheDailyIndicesPastRetention() throws IOException {
        String p = prefix();
        List<String> old = List.of(p + "-2025.12.31", p + "-2026.01.15", p + "-2026.10.01", p + "-2026.11.09");
        List<String> kept = List.of(p + "-2020.01.01-restored", p + "-2026.02.30", p + "-2026.11.10", p + "-2026.12.09",
                p + "-2026.12.10", p + "-2026.12.11", p + "-foo", p + "-staging-2020.01.01");
        create(old.toArray(String[]::new));
        create(kept.toArray(String[]::new));
        es.indices().close(c -> c.index(p + "-2026.01.15"));
        var log = LogCapture.of(RetentionSweeper.class);

        List<String> deleted;
        try (log) {
            deleted = new RetentionSweeper(es, p, 30, DECEMBER_10).sweep();
        }

        assertThat(deleted).containsExactlyElementsOf(old);
        assertThat(existing(p)).containsExactlyElementsOf(kept);
        assertThat(log.messages(Level.INFO)).containsExactly(old.stream()
                .map(name -> "Deleted index " + name + ": older than the retention of 30 days").toArray(String[]::new));
    }

    @Test
    void aSweepWithNothingToDeleteDeletesNothing() throws IOException {
        String p = prefix();
        create(p + "-2026.12.10");

        assertThat(new RetentionSweeper(es, p, 1, DECEMBER_10).sweep()).isEmpty();
        assertThat(new RetentionSweeper(es, p + "-none", 1, DECEMBER_10).sweep()).isEmpty();
        assertThat(existing(p)).containsExactly(p + "-2026.12.10");
    }

    @Test
    void sweepsAtStartAndEveryPeriodAndRetriesAFailureUntilItClears() throws IOException {
        String p = prefix();
        create(p + "-2026.01.01", p + "-2026.01.02", p + "-2026.12.10");
        readOnly(p + "-2026.01.01", true);
        var log = LogCapture.of(RetentionSweeper.class);

        try (log; var sweeper = new RetentionSweeper(es, p, 30, DECEMBER_10)) {
            sweeper.start(Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(10)).until(() -> !existing(p).contains(p + "-2026.01.02"));
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                    .until(() -> existing(p).contains(p + "-2026.01.01"));
            assertThat(log.messages(Level.WARNING)).singleElement().asString()
                    .startsWith("Retention sweep of " + p + "-* failed, retried every period: could not delete "
                            + p + "-2026.01.01 (")
                    .contains("cluster_block_exception");

            readOnly(p + "-2026.01.01", false);
            create(p + "-2026.02.01");
            await().atMost(Duration.ofSeconds(10)).until(() -> existing(p).equals(List.of(p + "-2026.12.10")));
        }
        assertThat(log.messages(Level.INFO)).contains("Retention sweep of " + p + "-* works again",
                "Deleted index " + p + "-2026.01.01: older than the retention of 30 days",
                "Deleted index " + p + "-2026.02.01: older than the retention of 30 days");
        assertThat(log.messages(Level.WARNING)).hasSize(1);
    }

    @ParameterizedTest(name = "{0} days on {1}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            30 | 2026-12-10 | obs-2026.11.10 obs-2026.11.09 obs-2026.12.10                 | obs-2026.11.09
            30 | 2026-12-11 | obs-2026.11.10 obs-2026.11.11                                | obs-2026.11.10
            1  | 2026-03-01 | obs-2026.02.27 obs-2026.02.28 obs-2026.03.01                 | obs-2026.02.27
            7  | 2026-01-03 | obs-2025.12.26 obs-2025.12.27 obs-2026.01.03                 | obs-2025.12.26
            30 | 2026-12-10 | obs-2026.02.30 obs-foo obs-x-2020.01.01 obs-2020.01.01-1 obsx-2020.01.01 |
            30 | 2026-12-10 | obs-2020.01.02 obs-2020.01.01                                | obs-2020.01.01 obs-2020.01.02
            """)
    void theIndexOfDayDGoesOnceDIsMoreThanRetentionDaysBeforeToday(int days, LocalDate today, String names,
                                                                    String expired) {
        assertThat(RetentionSweeper.expired(Arrays.asList(names.split(" ")), "obs", days, today))
                .containsExactlyElementsOf(expired == null ? List.of() : Arrays.asList(expired.split(" ")));
    }

    @Test
    void todayIsTheUtcDayWhateverTheClocksZone() throws IOException {
        String p = prefix();
        create(p + "-2026.11.10");
        Clock afternoonOf10DecemberInHonolulu = Clock.fixed(Instant.parse("2026-12-11T02:00:00Z"),
                ZoneId.of("Pacific/Honolulu"));

        assertThat(new RetentionSweeper(es, p, 30, afternoonOf10DecemberInHonolulu).sweep())
                .containsExactly(p + "-2026.11.10");
    }
}
