package dev.observers.lookup;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.observers.changelog.ChangeEvent;
import dev.observers.redis.RedisClients;
import dev.observers.testing.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lookup cache benchmark ({@code scripts/cache_bench.sh}): K events over a few hot keys, each
 * needing one HTTP lookup from a local server that takes 200 ms to answer, run by a fixed number of
 * concurrent workers (as the daemon's action concurrency would), once without a cache and under the
 * two-level cache in three states. Prints a Markdown table; "waited on a load" counts lookups that
 * found their key being loaded by another worker and shared that one source call (single flight).
 *
 * <p>Arguments: {@code [events] [distinct keys] [workers] [source delay ms]}, default 2000 20 64 200.
 */
public final class CacheBench {

    private record Row(String scenario, int events, int keys, Optional<MeterRegistry> meters, int sourceCalls,
                       Duration wall) {
    }

    private CacheBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Duration delay = Duration.ofMillis(args.length > 3 ? Long.parseLong(args[3]) : 200);
        RedissonClient redis = RedisClients.create(TestServers.redis());
        String ns = TestServers.namespace(CacheBench.class);
        List<Row> rows = new ArrayList<>();
        try (LookupServer api = new LookupServer();
             HttpLookupSource http = new HttpLookupSource(Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            api.delay(delay);
            LookupSource source = request -> http.fetch((LookupRequest.HttpGet) request);
            List<LookupDefinition> lookup = List.of(new LookupDefinition.Http("weather",
                    api.url("/weather/{{ data.city }}"), Map.of(), Optional.empty()));
            Bench bench = new Bench(api, source, lookup, events, keys, workers);

            rows.add(bench.run("no cache", LookupCache.NONE, ns + ":none:", Optional.empty()));
            SimpleMeterRegistry cold = new SimpleMeterRegistry();
            rows.add(bench.run("memory + Redis, both cold", twoLevel(10_000, redis, cold), ns + ":a:",
                    Optional.of(cold)));
            SimpleMeterRegistry restarted = new SimpleMeterRegistry();
            rows.add(bench.run("memory + Redis, new process (Redis warm)", twoLevel(10_000, redis, restarted),
                    ns + ":a:", Optional.of(restarted)));
            SimpleMeterRegistry redisOnly = new SimpleMeterRegistry();
            rows.add(bench.run("Redis only (memory off), cold", twoLevel(0, redis, redisOnly), ns + ":b:",
                    Optional.of(redisOnly)));
        } finally {
            redis.getKeys().getKeysStreamByPattern(ns + ":*").forEach(k -> redis.getKeys().unlink(k));
            redis.shutdown();
        }
        print(rows, workers, delay);
    }

    private static TwoLevelCache twoLevel(long localMaxEntries, RedissonClient redis, MeterRegistry registry) {
        Ticker ticker = Ticker.systemTicker();
        return new TwoLevelCache(localMaxEntries, Duration.ofSeconds(5),
                Optional.of(new RedisLevel(redis, Duration.ofMillis(500), ticker, System.err::println)), registry,
                ticker);
    }

    /** One workload, run the same way under each cache. */
    private static final class Bench {
        private final LookupServer api;
        private final LookupSource source;
        private final List<LookupDefinition> lookup;
        private final int events;
        private final int keys;
        private final int workers;

        Bench(LookupServer api, LookupSource source, List<LookupDefinition> lookup, int events, int keys,
              int workers) {
            this.api = api;
            this.source = source;
            this.lookup = lookup;
            this.events = events;
            this.keys = keys;
            this.workers = workers;
        }

        Row run(String scenario, LookupCache cache, String prefix, Optional<MeterRegistry> meters) throws Exception {
            System.err.printf("%s: %d events over %d keys, %d workers …%n", scenario, events, keys, workers);
            Lookups lookups = new Lookups(cache, source, prefix, Duration.ofSeconds(60));
            List<ChangeEvent> batch = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                batch.add(LookupEvents.post("{\"city\": \"city-" + (i % keys) + "\"}"));
            }
            int before = api.total();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            long started = System.nanoTime();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < workers; w++) {
                    threads.submit(() -> {
                        for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                            try {
                                lookups.resolve(batch.get(i), lookup);
                            } catch (LookupException e) {
                                failures.incrementAndGet();
                            }
                        }
                    });
                }
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            if (failures.get() > 0) {
                throw new IllegalStateException(scenario + ": " + failures.get() + " lookups failed");
            }
            return new Row(scenario, events, keys, meters, api.total() - before, wall);
        }
    }

    private static void print(List<Row> rows, int workers, Duration delay) {
        System.out.printf("%d concurrent workers; lookup source: local HTTP server answering after %d ms%n%n",
                workers, delay.toMillis());
        System.out.println("| scenario | events | distinct keys | hit rate | memory hit rate | Redis hit rate"
                + " | waited on a load | source calls | wall time | events/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            double seconds = row.wall().toNanos() / 1e9;
            String coalesced = row.meters().map(m -> String.format(Locale.ROOT, "%,.0f",
                    m.get("observer_cache_coalesced_total").counter().count())).orElse("—");
            System.out.printf(Locale.ROOT, "| %s | %,d | %d | %s | %s | %s | %s | %,d | %.2f s | %,.0f |%n",
                    row.scenario(), row.events(), row.keys(), rate(row, "all"), rate(row, "local"), rate(row, "redis"),
                    coalesced, row.sourceCalls(), seconds, row.events() / seconds);
        }
    }

    private static String rate(Row row, String level) {
        return row.meters().map(m -> m.get("observer_cache_hit_rate").tag("level", level).gauge().value())
                .map(r -> r.isNaN() ? "—" : String.format(Locale.ROOT, "%.1f %%", r * 100)).orElse("—");
    }
}
