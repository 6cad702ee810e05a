package dev.observers.claim;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Which partition an entity's events belong to: CRC-32 of {@code object_type}, a NUL and the
 * {@code object_id}, modulo the partition count. Stable across processes, versions and machines, so
 * every daemon puts one entity in the same partition and per-entity order holds whoever owns it.
 */
public final class Partitions {

    private Partitions() {
    }

    /** The hash every partition count is taken from; compute it once per row. */
    public static int hash(String objectType, UUID objectId) {
        CRC32 crc = new CRC32();
        crc.update((objectType == null ? "" : objectType).getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update((objectId == null ? "" : objectId.toString()).getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** The partition of {@code hash} among {@code partitions}. */
    public static int of(int hash, int partitions) {
        return Integer.remainderUnsigned(hash, partitions);
    }
}
