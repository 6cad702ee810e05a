package dev.observers.checkpoint;

import java.util.Optional;

/** Where each listener's position is kept between runs. */
public interface CheckpointStore {

    /** The saved position of {@code listenerId}, or empty when it never saved one. */
    Optional<Position> load(String listenerId);

    /**
     * Saves {@code position} in one statement; never moves a checkpoint backwards (an explicit
     * replay does that, not a late writer).
     *
     * @param completedSinceLastSave events completed since the previous save, for the record
     */
    void save(String listenerId, Position position, long completedSinceLastSave);
}
