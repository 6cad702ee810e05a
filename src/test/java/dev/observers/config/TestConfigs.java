package dev.observers.config;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.PropertiesConfigSource;

import java.util.Map;

/** Builds the configuration as Quarkus would, from a map standing in for the environment. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static SmallRyeConfig raw(Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withInterceptorFactories(new FraiseqlAliases())
                .withSources(new EnvConfigSource(environment, 300),
                        new PropertiesConfigSource(Map.of("user.home", System.getProperty("user.home")), "jvm", 0))
                .withMapping(ObserversConfig.class)
                .build();
    }

    public static ObserversConfig of(Map<String, String> environment) {
        return raw(environment).getConfigMapping(ObserversConfig.class);
    }
}
