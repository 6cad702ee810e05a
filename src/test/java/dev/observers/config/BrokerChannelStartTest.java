package dev.observers.config;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With no OBSERVERS_BROKER_URL the publish channel is off: the daemon starts without a word about a broker. */
@QuarkusMainTest
class BrokerChannelStartTest {

    @Test
    void startsWithoutConnectingOrWarningWhenNoBrokerIsConfigured(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("config");

        assertThat(result.exitCode()).isZero();
        String output = result.getOutput() + result.getErrorOutput();
        assertThat(output).contains("observers.broker.url");
        assertThat(output.lines().filter(line -> line.matches(".*\\b(WARN|ERROR)\\b.*")))
                .as("warnings and errors at start").isEmpty();
        assertThat(output).doesNotContainIgnoringCase("rabbitmq client").doesNotContain("RabbitMQ broker configured");
    }
}
