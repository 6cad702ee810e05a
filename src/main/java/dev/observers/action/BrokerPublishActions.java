package dev.observers.action;

import dev.observers.config.AmqpUrl;
import dev.observers.config.BrokerChannel;
import dev.observers.config.EnvNames;
import dev.observers.config.ObserversConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publish actions over the SmallRye RabbitMQ channel {@value BrokerChannel#NAME}, which
 * {@code observers.broker.url} configures. Without a URL the channel stays disabled and every publish
 * action is refused when observers load.
 */
@ApplicationScoped
public class BrokerPublishActions implements PublishActions {

    private final ObserversConfig config;
    private final Emitter<String> channel;

    /**
     * The emitter buffers without bound: each action waits for its confirm, so the dispatcher's
     * concurrency limit already bounds what is in flight.
     */
    @Inject
    public BrokerPublishActions(ObserversConfig config,
                                @Channel(BrokerChannel.NAME) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
                                Emitter<String> channel) {
        this.config = config;
        this.channel = channel;
    }

    /**
     * @throws IllegalArgumentException when no broker is configured, or the action names another exchange or no
     *                                  routing key; the message says which and what to set
     */
    @Override
    public Action create(ActionConfig.Publish action) {
        AmqpUrl broker = AmqpUrl.parse(config.broker().url().filter(u -> !u.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("publish actions need a broker: set "
                        + EnvNames.of("observers.broker.url") + " (e.g. amqp://user:pass@host:5672/vhost)")));
        String exchange = config.broker().exchange();
        if (action.exchange().isPresent() && !action.exchange().get().equals(exchange)) {
            throw new IllegalArgumentException("publish action names exchange '" + action.exchange().get()
                    + "', but the broker channel publishes to '" + exchange + "': set "
                    + EnvNames.of("observers.broker.exchange") + " to it, or leave exchange out and bind '"
                    + action.exchange().get() + "' to '" + exchange + "' on the broker");
        }
        if (action.routingKeyTemplate() == null || action.routingKeyTemplate().isBlank()) {
            throw new IllegalArgumentException(
                    "publish action needs a routing_key, e.g. {{ entity_type }}.{{ event_type }}");
        }
        return new PublishAction(channel, exchange + "@" + broker.address(),
                Rendering.template(action.routingKeyTemplate()),
                action.bodyTemplate().map(Rendering::template).orElseGet(Rendering::eventJson),
                action.bodyTemplate().isPresent() ? "text/plain" : "application/json");
    }
}
