package dev.observers.claim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one daemon does with the claims at one heartbeat, apart from its I/O: give up the claims of
 * subscriptions that no longer exist and those beyond its fair share, and try to take free ones up to
 * it. The shares follow from the live daemons alone, so every daemon computes the same ones: the claims
 * divided by the daemons, and one more for the first (claims mod daemons) of them in name order. They
 * add up to every claim, and no daemon holds more than one above another.
 *
 * @param release claims to hand over once their in-flight events are done
 * @param take    free claims to try, in order, until {@code wanted} of them are taken
 * @param wanted  how many of {@code take} to take
 */
public record Rebalance(List<ClaimId> release, List<ClaimId> take, int wanted) {

    /**
     * @param desired      every claim that should run: each subscription × each partition
     * @param mine         the claims this daemon owns
     * @param ownedByOther claims with a live lease held by another daemon
     * @param liveDaemons  daemons with a live heartbeat, this one included
     * @param me           this daemon
     */
    public static Rebalance plan(Collection<ClaimId> desired, Set<ClaimId> mine, Set<ClaimId> ownedByOther,
                                 Collection<String> liveDaemons, String me) {
        TreeSet<ClaimId> wanted = new TreeSet<>(desired);
        TreeSet<String> live = new TreeSet<>(liveDaemons);
        live.add(me);
        int rank = live.headSet(me).size();
        int fair = wanted.size() / live.size() + (rank < wanted.size() % live.size() ? 1 : 0);
        List<ClaimId> release = new ArrayList<>();
        List<ClaimId> keep = new ArrayList<>();
        for (ClaimId c : new TreeSet<>(mine)) {
            (wanted.contains(c) ? keep : release).add(c);
        }
        while (keep.size() > fair) {
            release.add(keep.remove(keep.size() - 1));
        }
        List<ClaimId> take = new ArrayList<>();
        if (keep.size() < fair) {
            for (ClaimId c : wanted) {
                if (!mine.contains(c) && !ownedByOther.contains(c)) {
                    take.add(c);
                }
            }
        }
        return new Rebalance(List.copyOf(release), List.copyOf(take), Math.max(0, fair - keep.size()));
    }
}
