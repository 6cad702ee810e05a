package dev.observers.action;

import dev.observers.config.TestConfigs;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is refused when observers load, before any broker is involved. */
class BrokerPublishActionsTest {

    @Test
    void withoutABrokerUrlPublishActionsAreRefusedNamingTheVariable() {
        BrokerPublishActions actions = new BrokerPublishActions(TestConfigs.of(Map.of()), null);
        assertThatThrownBy(() -> actions.create(new ActionConfig.Publish(Optional.empty(), "blog.x", Optional.empty(),
                OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OBSERVERS_BROKER_URL");
    }

    @Test
    void aPublishActionWithoutARoutingKeyIsRefused() {
        BrokerPublishActions actions = new BrokerPublishActions(
                TestConfigs.of(Map.of("observers.broker.url", "amqp://rabbit")), null);
        assertThatThrownBy(() -> actions.create(new ActionConfig.Publish(Optional.empty(), " ", Optional.empty(),
                OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routing_key");
    }
}
