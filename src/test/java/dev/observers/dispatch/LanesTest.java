package dev.observers.dispatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LanesTest {

    @Test
    void sameKeyRunsOneAtATimeInOrderOtherKeysRunAtOnce() {
        List<String> started = new ArrayList<>();
        Lanes<String> lanes = new Lanes<>(started::add);
        lanes.submit("post/1", "a1");
        lanes.submit("post/1", "a2");
        lanes.submit("post/2", "b1");
        lanes.submit("post/1", "a3");
        assertThat(started).containsExactly("a1", "b1");
        assertThat(lanes.activeLanes()).isEqualTo(2);

        lanes.done("post/1");
        assertThat(started).containsExactly("a1", "b1", "a2");
        lanes.done("post/2");
        lanes.done("post/1");
        assertThat(started).containsExactly("a1", "b1", "a2", "a3");
        lanes.done("post/1");
        assertThat(lanes.activeLanes()).isZero();
    }

    @Test
    void anItemRunByItsCallerHoldsItsLaneAndWhatQueuesBehindItStartsWhenItIsDone() {
        List<String> started = new ArrayList<>();
        Lanes<String> lanes = new Lanes<>(started::add);
        assertThat(lanes.enterIfIdle("post/1")).isTrue();
        assertThat(lanes.enterIfIdle("post/2")).isTrue();
        assertThat(lanes.enterIfIdle("post/1")).as("busy").isFalse();
        lanes.submit("post/1", "a2");
        assertThat(started).isEmpty();

        lanes.done("post/2");
        assertThat(started).as("a queue behind one lane is not another lane's").isEmpty();
        lanes.done("post/1");
        assertThat(started).containsExactly("a2");
        lanes.done("post/1");
        assertThat(lanes.activeLanes()).isZero();
        assertThat(lanes.enterIfIdle("post/1")).isTrue();
    }
}
