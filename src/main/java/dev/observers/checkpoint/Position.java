package dev.observers.checkpoint;

/**
 * A place in the change log: the writing transaction's id and the row's pk. The log is read in this
 * order; rows written before the {@code txid} column existed have txid 0, older than any other.
 */
public record Position(long txid, long pk) implements Comparable<Position> {

    public static final Position START = new Position(0, 0);

    @Override
    public int compareTo(Position other) {
        int byTxid = Long.compareUnsigned(txid, other.txid);
        return byTxid != 0 ? byTxid : Long.compare(pk, other.pk);
    }

    public boolean isAfter(Position other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return "(" + Long.toUnsignedString(txid) + ", " + pk + ")";
    }
}
