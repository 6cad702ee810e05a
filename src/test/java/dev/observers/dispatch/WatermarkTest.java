package dev.observers.dispatch;

import dev.observers.checkpoint.Position;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatermarkTest {

    private static Position p(long txid, long pk) {
        return new Position(txid, pk);
    }

    @Test
    void advancesOnlyPastAnUnbrokenRunOfCompletedEvents() {
        Watermark w = new Watermark(Position.START);
        w.register(p(10, 1));
        w.register(p(10, 2));
        w.register(p(11, 3));
        w.complete(p(10, 2));
        assertThat(w.safe()).isEqualTo(Position.START);
        w.complete(p(10, 1));
        assertThat(w.safe()).isEqualTo(p(10, 2));
        assertThat(w.inFlight()).isEqualTo(1);
        w.complete(p(11, 3));
        assertThat(w.safe()).isEqualTo(p(11, 3));
        assertThat(w.inFlight()).isZero();
    }

    @Test
    void anyCompletionOrderEndsAtTheLastPosition() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            Watermark w = new Watermark(p(5, 0));
            List<Position> positions = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                positions.add(p(5 + i / 7, i));
                w.register(positions.getLast());
            }
            List<Position> order = new ArrayList<>(positions);
            Collections.shuffle(order, random);
            Position previousSafe = w.safe();
            for (Position done : order) {
                w.complete(done);
                Position safe = w.safe();
                assertThat(safe.compareTo(previousSafe)).isGreaterThanOrEqualTo(0);
                int safeIndex = positions.indexOf(safe);
                for (int i = 0; i <= safeIndex; i++) {
                    assertThat(order.indexOf(positions.get(i))).isLessThanOrEqualTo(order.indexOf(done));
                }
                previousSafe = safe;
            }
            assertThat(w.safe()).isEqualTo(positions.getLast());
        }
    }

    @Test
    void positionsMustArriveInLogOrder() {
        Watermark w = new Watermark(p(3, 3));
        assertThatThrownBy(() -> w.register(p(3, 2))).hasMessageContaining("log order");
    }
}
