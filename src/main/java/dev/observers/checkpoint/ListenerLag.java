package dev.observers.checkpoint;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * How far one listener is behind the head of the change log, as its saved checkpoint tells: what
 * {@code observers status}, the lag gauges and readiness report.
 *
 * @param checkpoint   the saved position; {@link Position#START} when none was ever saved
 * @param eventsBehind committed rows after the checkpoint, counted up to {@link LagReader#COUNT_LIMIT}
 * @param capped       whether there are more than {@code eventsBehind} (the count stopped at its limit)
 * @param age          now minus {@code created_at} of the first unprocessed row; zero when caught up
 * @param updatedAt    when the checkpoint was last written; empty when never
 * @param updatedBy    which daemon instance wrote it
 * @param lastError    the error recorded with the checkpoint, if any
 * @param owner        the daemon holding a live claim on it, if any
 */
public record ListenerLag(String listenerId, Position checkpoint, long eventsBehind, boolean capped, Duration age,
                          Optional<OffsetDateTime> updatedAt, Optional<String> updatedBy, Optional<String> lastError,
                          Optional<String> owner) {

    /** Whether the listener has saved a checkpoint at all. */
    public boolean saved() {
        return updatedAt.isPresent();
    }
}
