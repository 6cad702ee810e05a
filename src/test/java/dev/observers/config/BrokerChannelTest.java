package dev.observers.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerChannelTest {

    private static final String P = "mp.messaging.outgoing.observers-publish.";

    @Test
    void noUrlDisablesTheChannelAndSetsNothingElse() {
        assertThat(BrokerChannel.settings(null, "observers")).containsExactlyEntriesOf(
                java.util.Map.of(P + "enabled", "false"));
        assertThat(BrokerChannel.settings("  ", "observers")).containsEntry(P + "enabled", "false");
    }

    @Test
    void anUnparsableUrlDisablesTheChannelForConfigCheckToReport() {
        assertThat(BrokerChannel.settings("http://rabbit:5672", "observers")).containsEntry(P + "enabled", "false");
    }

    @Test
    void theUrlBecomesHostPortCredentialsAndVirtualHostWithConfirmsOn() {
        var settings = BrokerChannel.settings("amqp://app:s%40cret@rabbit.internal:5673/blog", "events");
        assertThat(settings)
                .containsEntry(P + "enabled", "true")
                .containsEntry(P + "host", "rabbit.internal")
                .containsEntry(P + "port", "5673")
                .containsEntry(P + "username", "app")
                .containsEntry(P + "password", "s@cret")
                .containsEntry(P + "virtual-host", "blog")
                .containsEntry(P + "ssl", "false")
                .containsEntry(P + "exchange.name", "events")
                .containsEntry(P + "exchange.type", "topic")
                .containsEntry(P + "publish-confirms", "true")
                .containsEntry(P + "retry-on-fail-attempts", "0");
    }

    @Test
    void amqpsTurnsOnTlsWithHostnameVerification() {
        var settings = BrokerChannel.settings("amqps://rabbit.internal", "observers");
        assertThat(settings)
                .containsEntry(P + "ssl", "true")
                .containsEntry(P + "port", "5671")
                .containsEntry(P + "ssl.hostname-verification-algorithm", "HTTPS")
                .containsEntry(P + "virtual-host", "/")
                .containsEntry(P + "username", "guest");
    }
}
