/**
 * Claims: how several daemons on one database share the work, with PostgreSQL as the only
 * coordination engine.
 *
 * <h2>What is claimed</h2>
 * Every subscription (one per observer) is split into a fixed number of partitions
 * ({@code OBSERVERS_CLAIMS_PARTITIONS}); an event belongs to the partition of a stable hash of its
 * {@code object_type} and {@code object_id} ({@link dev.observers.claim.Partitions}), so all events of one
 * entity are in one partition and keep their order whoever processes them. A claim is one subscription ×
 * one partition ({@link dev.observers.claim.ClaimId}); its cursor is a row of {@code observer_checkpoints}
 * named {@code observer:<name>#<partition>/<partitions>}, and that row also says who owns the claim:
 * {@code owner} and {@code lease_expires_at}. This follows Axon's {@code JdbcTokenStore}, where the token
 * row carries the owner and a claim timeout.
 *
 * <h2>Taking, keeping and giving up a claim</h2>
 * <ul>
 *   <li>{@link dev.observers.claim.ClaimStore#claim} takes a row whose owner is empty, is this daemon, or
 *       whose lease has expired, in one conditional {@code UPDATE}: two daemons can never both succeed.</li>
 *   <li>{@link dev.observers.claim.ClaimStore#renew} writes the cursors that are due and extends their
 *       leases in one statement, and only where {@code owner} is still this daemon. A daemon that was
 *       paused past its lease and lost a claim to another finds the claim missing from the answer, stops
 *       that claim at once and never writes its cursor again (fencing): the new owner's position stands.
 *       Every claim is renewed at each heartbeat, a third of the lease, so a daemon that lives keeps its
 *       claims through two missed heartbeats.</li>
 *   <li>{@link dev.observers.claim.ClaimStore#release} writes the cursor and clears the owner. A daemon
 *       that stops (or gives a claim up to a newcomer) stops reading the claim, waits for its in-flight
 *       events, then releases it, so the next owner starts exactly where it ended: no gap and no overlap.</li>
 *   <li>A daemon that dies (kill -9, lost host) releases nothing; its leases expire after
 *       {@code OBSERVERS_CLAIMS_LEASE_MS} and the others take its claims from the saved cursors. Events it
 *       had finished after its last cursor write run again, except the effects the Redis dedup window
 *       remembers as done; what repeats is bounded by what it had in flight.</li>
 * </ul>
 *
 * <h2>Fair shares</h2>
 * Each daemon renews a row in {@code observer_daemons} at every heartbeat; the live daemons are those
 * whose row is younger than the lease. From that list alone each daemon computes the same shares
 * ({@link dev.observers.claim.Rebalance}): claims ÷ daemons, one more for the first (claims mod daemons)
 * in name order. A daemon over its share hands the excess over (after their in-flight work); one under its
 * share takes free claims. A daemon that joins is counted at its first heartbeat, so the others start
 * handing over within one heartbeat; a daemon that stops deletes its row, so the others take its share at
 * their next heartbeat instead of after the lease.
 *
 * <h2>Where a new cursor starts</h2>
 * {@link dev.observers.claim.ClaimStore#ensure} creates missing cursors under an advisory lock: at the
 * single {@code observers} cursor of a database upgraded from a daemon before subscriptions (no event
 * lost, none replayed); at the start of the log on a database where no subscription ever ran; at the
 * oldest old cursor when the partition count changed; otherwise, for an observer added later, at the tail
 * of the committed log ({@code observers replay --observer} moves it back).
 */
package dev.observers.claim;
