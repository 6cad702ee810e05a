package dev.observers.daemon;

import dev.observers.checkpoint.ListenerLag;
import dev.observers.checkpoint.Position;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReadinessRuleTest {

    private static ReadinessRule.ListenerState listener(boolean running, long lagSeconds) {
        return new ReadinessRule.ListenerState("observer:a", running, "running", 4, Optional.empty(),
                Optional.of(new ListenerLag("observer:a", new Position(1, 2), 7, false, Duration.ofSeconds(lagSeconds),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
    }

    @Test
    void readyWhenTheDatabaseAnswersAndEveryListenerRuns() {
        ReadinessRule r = ReadinessRule.judge(Optional.empty(), true, List.of(listener(true, 3)), 300, false);
        assertThat(r.up()).isTrue();
        assertThat(r.data()).containsEntry("postgresql", "up").containsEntry("listener.observer:a", "running")
                .containsEntry("listener.observer:a.claims", 4L)
                .containsEntry("listener.observer:a.lag_seconds", 3L).containsEntry("listener.observer:a.lag_events", 7L)
                .doesNotContainKey("listener.observer:a.lagging");
    }

    @Test
    void notReadyWithoutTheDatabaseOrWithAStoppedListenerOrBeforeStart() {
        assertThat(ReadinessRule.judge(Optional.of("does not answer: connection refused"), true, List.of(listener(true, 0)),
                300, false).up()).isFalse();
        assertThat(ReadinessRule.judge(Optional.empty(), true, List.of(listener(false, 0)), 300, false).data())
                .containsEntry("listener.observer:a", "stopped");
        assertThat(ReadinessRule.judge(Optional.empty(), true, List.of(listener(false, 0)), 300, false).up()).isFalse();
        ReadinessRule before = ReadinessRule.judge(Optional.empty(), false, List.of(), 300, false);
        assertThat(before.up()).isFalse();
        assertThat(before.data()).containsEntry("listeners", "not started");
        ReadinessRule none = ReadinessRule.judge(Optional.empty(), true, List.of(), 300, false);
        assertThat(none.up()).isTrue();
        assertThat(none.data()).containsEntry("listeners", "none: no observer is defined");
    }

    @Test
    void lagOverTheLimitIsReportedAndFailsReadinessOnlyWhenAskedTo() {
        ReadinessRule reported = ReadinessRule.judge(Optional.empty(), true, List.of(listener(true, 301)), 300, false);
        assertThat(reported.up()).isTrue();
        assertThat(reported.data()).containsKey("listener.observer:a.lagging");
        ReadinessRule failing = ReadinessRule.judge(Optional.empty(), true, List.of(listener(true, 301)), 300, true);
        assertThat(failing.up()).isFalse();
        assertThat(ReadinessRule.judge(Optional.empty(), true, List.of(listener(true, 300)), 300, true).up()).isTrue();
    }
}
