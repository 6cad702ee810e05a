package dev.observers.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import org.redisson.api.RKeys;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * {@code type: cache}: deletes the Redis keys that each {@code key_patterns} entry names for the event.
 * Values from the event are glob-escaped before substitution, so only the operator's own {@code *},
 * {@code ?} and {@code [} act as globs. A pattern with no glob left is one {@code UNLINK}; a glob is
 * walked with {@code SCAN MATCH} and unlinked in batches (never {@code KEYS}, which blocks Redis).
 * A pattern whose value is missing from the event fails permanently instead of matching more than meant.
 */
public final class CacheAction implements Action {

    /** Keys per SCAN page and per UNLINK: small enough to keep each Redis command short. */
    static final int BATCH = 500;

    private final RKeys keys;
    private final List<Template> patterns;

    private CacheAction(RKeys keys, List<Template> patterns) {
        this.keys = keys;
        this.patterns = patterns;
    }

    /**
     * Builds the action; {@code action} is {@code invalidate} (the default), {@code refresh} or
     * {@code delete}, all of which delete: the next reader fills the cache again.
     *
     * @throws IllegalArgumentException for no patterns, another action, or a malformed template
     */
    public static CacheAction from(ActionConfig.Cache config, RedissonClient redis) {
        String action = config.action() == null ? "invalidate" : config.action().strip().toLowerCase(Locale.ROOT);
        if (!List.of("invalidate", "refresh", "delete", "").contains(action)) {
            throw new IllegalArgumentException("cache action: action '" + config.action()
                    + "' is not one of invalidate, refresh, delete");
        }
        if (config.keyPatterns() == null || config.keyPatterns().isEmpty()) {
            throw new IllegalArgumentException("cache action needs at least one key_pattern");
        }
        return new CacheAction(redis.getKeys(), config.keyPatterns().stream().map(Template::compile).toList());
    }

    @Override
    public String type() {
        return "cache";
    }

    @Override
    public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException {
        ObjectNode json = EventJson.of(event);
        List<String> globs = new ArrayList<>(patterns.size());
        for (Template pattern : patterns) {
            List<String> missing = pattern.missing(json);
            if (!missing.isEmpty()) {
                throw ActionFailure.permanent("missing_value", "cache: key pattern '" + pattern.source() + "' needs "
                        + String.join(", ", missing) + ", which event " + event.id() + " does not have");
            }
            globs.add(pattern.render(json, RedisGlob::escape));
        }
        for (String glob : globs) {
            try {
                if (RedisGlob.isGlob(glob)) {
                    unlinkMatching(glob);
                } else {
                    keys.unlink(RedisGlob.literal(glob));
                }
            } catch (RedisException e) {
                if (Thread.interrupted() || e.getCause() instanceof InterruptedException) {
                    throw new InterruptedException("interrupted while invalidating " + glob);
                }
                throw new ActionFailure(ActionFailure.Kind.TRANSIENT,
                        e instanceof RedisTimeoutException ? "timeout" : "redis",
                        "cache: invalidating '" + glob + "' failed: " + e.getMessage(), e);
            }
        }
    }

    private void unlinkMatching(String glob) throws InterruptedException {
        Iterator<String> matches = keys.getKeys(KeysScanOptions.defaults().pattern(glob).chunkSize(BATCH)).iterator();
        List<String> batch = new ArrayList<>(BATCH);
        while (matches.hasNext()) {
            batch.add(matches.next());
            if (batch.size() == BATCH) {
                unlink(batch);
            }
        }
        unlink(batch);
    }

    private void unlink(List<String> batch) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while invalidating cache keys");
        }
        if (!batch.isEmpty()) {
            keys.unlink(batch.toArray(String[]::new));
            batch.clear();
        }
    }
}
