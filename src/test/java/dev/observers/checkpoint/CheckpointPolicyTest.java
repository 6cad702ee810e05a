package dev.observers.checkpoint;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointPolicyTest {

    @ParameterizedTest(name = "{0} completed, {1} ms since save -> {2}")
    @CsvSource({
            "0, 0, false",
            "0, 5000, false",
            "99, 999, false",
            "100, 0, true",
            "250, 10, true",
            "1, 1000, true",
            "1, 999, false",
    })
    void writesAfterTheBatchOrTheIntervalWhicheverFirst(long completed, long sinceMs, boolean due) {
        CheckpointPolicy policy = new CheckpointPolicy(100, Duration.ofMillis(1000));
        assertThat(policy.due(completed, Duration.ofMillis(sinceMs))).isEqualTo(due);
    }
}
