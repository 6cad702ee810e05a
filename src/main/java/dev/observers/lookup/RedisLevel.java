package dev.observers.lookup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.observers.action.EventJson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The shared level of the lookup cache: results as JSON text in Redis under their TTL, so daemons (and
 * restarts) share them. Redis is an optimisation here, never a dependency: a failed or slow call counts
 * as a miss, the outage is reported once, and Redis is left alone for {@link #RETRY_AFTER} before it is
 * tried again, so a dead server costs one timeout per interval instead of one per lookup.
 */
final class RedisLevel {

    /** How long Redis is skipped after a failure before one call probes it again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RedissonClient client;
    private final Duration timeout;
    private final Ticker ticker;
    private final Consumer<String> log;
    private boolean down;
    private long retryAt;

    /**
     * @param timeout longest wait per call
     * @param ticker  the clock of the retry interval
     * @param log     where the outage and the recovery are reported, once each
     */
    RedisLevel(RedissonClient client, Duration timeout, Ticker ticker, Consumer<String> log) {
        this.client = client;
        this.timeout = timeout;
        this.ticker = ticker;
        this.log = log;
    }

    /** The result stored under {@code key}; empty when there is none or Redis cannot tell. */
    Optional<JsonNode> read(String key) {
        if (!available()) {
            return Optional.empty();
        }
        Optional<String> text = call(client.<String>getBucket(key, StringCodec.INSTANCE).getAsync()
                .toCompletableFuture());
        return text.flatMap(RedisLevel::parse);
    }

    /** Stores {@code value} under {@code key} for {@code ttl}; a failure only means the next reader asks the source. */
    void write(String key, JsonNode value, Duration ttl) {
        if (available()) {
            call(client.<String>getBucket(key, StringCodec.INSTANCE).setAsync(EventJson.text(value), ttl)
                    .toCompletableFuture().thenApply(done -> "written"));
        }
    }

    private <T> Optional<T> call(CompletableFuture<T> future) {
        try {
            T value = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            succeeded();
            return Optional.ofNullable(value);
        } catch (ExecutionException e) {
            failed(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            failed(new TimeoutException("no answer within " + timeout.toMillis() + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private synchronized boolean available() {
        return !down || ticker.read() - retryAt >= 0;
    }

    private synchronized void succeeded() {
        if (down) {
            down = false;
            log.accept("Redis answers again: lookup results are shared through it once more");
        }
    }

    private synchronized void failed(Throwable cause) {
        if (!down) {
            down = true;
            log.accept("Redis is unavailable for the lookup cache (" + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage() + "); lookups are served from memory and their sources, and Redis is"
                    + " retried every " + RETRY_AFTER.toSeconds() + " s");
        }
        retryAt = ticker.read() + RETRY_AFTER.toNanos();
    }

    private static Optional<JsonNode> parse(String text) {
        try {
            return Optional.of(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
