package dev.observers.checkpoint;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayTest {

    private static final Position AT = new Position(900, 50);

    @Test
    void movingBackIsAReplay() {
        assertThat(Replay.decide(AT, new Position(800, 10), false, () -> 0))
                .isEqualTo(new Replay.Move(AT, new Position(800, 10), false));
        assertThat(Replay.decide(AT, Position.START, false, () -> 0)).isEqualTo(new Replay.Move(AT, Position.START, false));
    }

    @Test
    void movingForwardSkipsEventsSoItNeedsForceAndSaysHowMany() {
        Position ahead = new Position(900, 70);
        var refused = Replay.decide(AT, ahead, false, () -> 20);
        assertThat(refused).isInstanceOf(Replay.Refused.class);
        assertThat(((Replay.Refused) refused).reason()).contains("skip 20 unprocessed event(s)", "--force", "(900, 50)");
        assertThat(Replay.decide(AT, ahead, true, () -> 20)).isEqualTo(new Replay.Move(AT, ahead, true));
    }

    @Test
    void theSamePositionChangesNothing() {
        assertThat(Replay.decide(AT, AT, true, () -> 0)).isEqualTo(new Replay.Unchanged(AT));
    }

    @Test
    void aLaterTransactionWithASmallerPkIsStillAhead() {
        assertThat(Replay.decide(AT, new Position(901, 1), false, () -> 1)).isInstanceOf(Replay.Refused.class);
    }
}
