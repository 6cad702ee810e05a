package dev.observers.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.Map;

/** Points an in-process Quarkus test at a fresh database and the harness Redis. */
public class HarnessProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("observers.db.url", TestServers.newDatabase(getClass()).toUrl());
        config.put("observers.redis.url", TestServers.redis().address());
        config.putAll(extra());
        return config;
    }

    /** What a subclass adds or overrides. */
    protected Map<String, String> extra() {
        return Map.of();
    }
}
