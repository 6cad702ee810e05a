package dev.observers.action;

import dev.observers.config.AmqpUrl;
import dev.observers.config.ObserversConfig;
import dev.observers.testing.BrokerServer;
import dev.observers.testing.DaemonProcess;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The broker is down when the daemon starts, comes up, goes away and comes back: each publish while it
 * is away fails transiently (so the dispatcher retries), and publishing resumes once it is back, with
 * no restart of the daemon. Runs its own embedded broker, whatever the harness broker is.
 */
@QuarkusTest
@TestProfile(PublishRecoveryTest.Profile.class)
class PublishRecoveryTest {

    /** A broker URL on a free port where nothing listens yet; reconnects every second to keep the test short. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of(
                        "observers.broker.url", "amqp://observers:observers-test@127.0.0.1:" + DaemonProcess.freePort(),
                        "mp.messaging.outgoing.observers-publish.reconnect-interval", "1",
                        "quarkus.log.category.\"qpid\".level", "WARN",
                        "quarkus.log.category.\"org.apache.qpid\".level", "WARN");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    PublishActions publishActions;

    @Inject
    ObserversConfig config;

    @Test
    void failsTransientlyWhileTheBrokerIsAwayAndResumesWhenItIsBack() throws Exception {
        int port = AmqpUrl.parse(config.broker().url().orElseThrow()).port();
        Action action = publishActions.create(new ActionConfig.Publish(Optional.empty(), "blog.{{ entity_type }}",
                Optional.empty(), OptionalLong.empty()));

        assertTransientFailure(action);
        try (BrokerServer broker = BrokerServer.embedded(port)) {
            succeedsWithin(action, Duration.ofSeconds(60));
        }
        assertTransientFailure(action);
        try (BrokerServer broker = BrokerServer.embedded(port)) {
            succeedsWithin(action, Duration.ofSeconds(60));
        }
    }

    private static void assertTransientFailure(Action action) {
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(TestEvents.postInserted(), invocation(Duration.ofSeconds(2))));
        assertThat(failure).as("publish with no broker").isNotNull();
        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.getMessage()).doesNotContain("observers-test");
    }

    /** Retries as the dispatcher would, on transient failures only. */
    private static void succeedsWithin(Action action, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                action.execute(TestEvents.postInserted(), invocation(Duration.ofSeconds(3)));
                return;
            } catch (ActionFailure e) {
                assertThat(e.isTransient()).as(e.getMessage()).isTrue();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("publishing did not resume within " + limit, e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static Invocation invocation(Duration timeout) {
        return new Invocation("recovery", 1, "recovery-key", Instant.now().plus(timeout));
    }
}
