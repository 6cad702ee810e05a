package dev.observers.checkpoint;

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
        Watermark.Entry a = w.submit(p(10, 1));
        Watermark.Entry b = w.submit(p(10, 2));
        Watermark.Entry c = w.submit(p(11, 3));
        b.ack();
        b.ack();
        assertThat(w.safe()).isEqualTo(Position.START);
        assertThat(w.inFlight()).isEqualTo(2);
        a.ack();
        assertThat(w.safe()).isEqualTo(p(10, 2));
        assertThat(w.inFlight()).isEqualTo(1);
        c.ack();
        assertThat(w.safe()).isEqualTo(p(11, 3));
        assertThat(w.inFlight()).isZero();
    }

    @Test
    void anyCompletionOrderEndsAtTheLastPosition() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            Watermark w = new Watermark(p(5, 0));
            List<Position> positions = new ArrayList<>();
            List<Watermark.Entry> entries = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                positions.add(p(5 + i / 7, i));
                entries.add(w.submit(positions.getLast()));
            }
            List<Watermark.Entry> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, random);
            List<Position> order = shuffled.stream().map(Watermark.Entry::position).toList();
            Position previousSafe = w.safe();
            for (Watermark.Entry entry : shuffled) {
                Position done = entry.position();
                entry.ack();
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
    void rowsLeftToOthersArePassedOnceTheEarlierEventsAreDone() {
        Watermark w = new Watermark(Position.START);
        w.passed(p(1, 5));
        assertThat(w.safe()).isEqualTo(p(1, 5));
        Watermark.Entry own = w.submit(p(2, 6));
        w.passed(p(3, 9));
        assertThat(w.safe()).isEqualTo(p(1, 5));
        assertThat(w.inFlight()).isEqualTo(1);
        own.ack();
        assertThat(w.safe()).isEqualTo(p(3, 9));
        assertThat(w.inFlight()).isZero();
        w.passed(p(3, 9));
        Watermark.Entry next = w.submit(p(3, 10));
        next.ack();
        assertThat(w.safe()).isEqualTo(p(3, 10));
    }

    @Test
    void positionsMustArriveInLogOrder() {
        Watermark w = new Watermark(p(3, 3));
        assertThatThrownBy(() -> w.submit(p(3, 2))).hasMessageContaining("log order");
    }
}
