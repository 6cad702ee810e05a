package dev.observers.config;

import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.List;

/**
 * The knobs' values checked before Quarkus starts: Quarkus converts the mapping while it boots and
 * reports a bad value as a converter's message, so the entry point asks this first and prints
 * {@link ValueCheck}'s one-line problems instead. Reads the sources a user sets: environment,
 * system properties and the packaged application.properties, with FraiseQL's names.
 */
public final class ConfigPreflight {

    private ConfigPreflight() {
    }

    /** Every problem in the values as set; empty when Quarkus can convert them all. */
    public static List<String> problems() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                .withInterceptorFactories(new FraiseqlAliases());
        URL packaged = Thread.currentThread().getContextClassLoader().getResource("application.properties");
        if (packaged != null) {
            try {
                builder.withSources(new PropertiesConfigSource(packaged, 250));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + packaged, e);
            }
        }
        SmallRyeConfig config = builder.build();
        return ValueCheck.problems(property -> {
            ConfigValue value = config.getConfigValue(property);
            return value == null ? null : value.getValue();
        });
    }
}
