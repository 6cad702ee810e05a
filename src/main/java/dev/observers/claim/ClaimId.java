package dev.observers.claim;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One unit of work a daemon can own: partition {@code partition} of {@code partitions} of one
 * subscription. Its cursor is the {@code observer_checkpoints} row named {@link #listenerId()}, for
 * example {@code observer:order_paid#2/4}.
 *
 * @param subscription the subscription, {@code observer:<name>} for an observer
 */
public record ClaimId(String subscription, int partition, int partitions) implements Comparable<ClaimId> {

    private static final Pattern FORM = Pattern.compile("(.+)#(\\d+)/(\\d+)");

    public ClaimId {
        if (partitions < 1 || partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " of " + partitions);
        }
    }

    /** The subscription id of observer {@code name}. */
    public static String observer(String name) {
        return "observer:" + name;
    }

    /** Whether {@code subscription} is an observer's ({@code observer:<name>}). */
    public static boolean isObserver(String subscription) {
        return subscription.startsWith("observer:");
    }

    /**
     * How many partitions {@code subscription} is split into: {@code configured}, except a projection
     * ({@code projection:<table>}), whose refreshes of one row must not race each other: one claim.
     */
    public static int partitionsOf(String subscription, int configured) {
        return subscription.startsWith("projection:") ? 1 : configured;
    }

    /** The observer a subscription id {@code observer:<name>} names. */
    public static String observerName(String subscription) {
        if (!subscription.startsWith("observer:")) {
            throw new IllegalArgumentException(subscription + " is not an observer's subscription");
        }
        return subscription.substring("observer:".length());
    }

    /** The cursor row's {@code listener_id}. */
    public String listenerId() {
        return subscription + "#" + partition + "/" + partitions;
    }

    /** The claim a {@code listener_id} names; empty for rows that are not claims (FraiseQL's, the legacy one). */
    public static Optional<ClaimId> parse(String listenerId) {
        Matcher m = FORM.matcher(listenerId);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ClaimId(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public int compareTo(ClaimId o) {
        int bySubscription = subscription.compareTo(o.subscription);
        return bySubscription != 0 ? bySubscription : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return listenerId();
    }
}
