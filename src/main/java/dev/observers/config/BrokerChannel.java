package dev.observers.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Derives the RabbitMQ connector's channel settings from the one knob a user sets,
 * {@code observers.broker.url}, so the broker is configured like every other server. Without a URL
 * the channel is disabled: nothing connects and nothing is logged at start. Any
 * {@code mp.messaging.outgoing.observers-publish.*} property set by hand wins over these.
 */
public final class BrokerChannel implements ConfigSourceFactory {

    /** The outgoing channel that publish actions send through. */
    public static final String NAME = "observers-publish";

    private static final String PREFIX = "mp.messaging.outgoing." + NAME + ".";

    /** Below application.properties (250) and the environment (300), above built-in defaults. */
    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue("observers.broker.url");
        ConfigValue exchange = context.getValue("observers.broker.exchange");
        return List.of(new MapBackedConfigSource("observers broker channel", settings(
                url == null ? null : url.getValue(), exchange == null ? null : exchange.getValue()), ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** The channel's properties for a broker URL (null or unparsable: disabled) and exchange name. */
    static Map<String, String> settings(String url, String exchange) {
        Map<String, String> settings = new HashMap<>();
        AmqpUrl broker = parseOrNull(url);
        if (broker == null) {
            settings.put(PREFIX + "enabled", "false");
            return settings;
        }
        settings.put(PREFIX + "enabled", "true");
        settings.put(PREFIX + "host", broker.host());
        settings.put(PREFIX + "port", String.valueOf(broker.port()));
        settings.put(PREFIX + "username", broker.user());
        broker.password().ifPresent(p -> settings.put(PREFIX + "password", p));
        settings.put(PREFIX + "virtual-host", broker.virtualHost());
        settings.put(PREFIX + "ssl", String.valueOf(broker.tls()));
        settings.put(PREFIX + "ssl.hostname-verification-algorithm", broker.tls() ? "HTTPS" : "NONE");
        settings.put(PREFIX + "exchange.name", exchange == null || exchange.isBlank() ? "observers" : exchange);
        settings.put(PREFIX + "exchange.type", "topic");
        settings.put(PREFIX + "exchange.durable", "true");
        // A send counts once the broker confirms it; a failure goes back to the dispatcher, which owns retries.
        settings.put(PREFIX + "publish-confirms", "true");
        settings.put(PREFIX + "retry-on-fail-attempts", "0");
        settings.put(PREFIX + "tracing.enabled", "false");
        return settings;
    }

    private static AmqpUrl parseOrNull(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            return AmqpUrl.parse(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
