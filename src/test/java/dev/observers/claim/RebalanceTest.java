package dev.observers.claim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RebalanceTest {

    private static List<ClaimId> claims(int observers, int partitions) {
        List<ClaimId> out = new ArrayList<>();
        for (int o = 0; o < observers; o++) {
            for (int p = 0; p < partitions; p++) {
                out.add(new ClaimId(ClaimId.observer("o" + o), p, partitions));
            }
        }
        return out;
    }

    @Test
    void aLoneDaemonTakesEverything() {
        Rebalance r = Rebalance.plan(claims(2, 4), Set.of(), Set.of(), List.of("a"), "a");
        assertThat(r.release()).isEmpty();
        assertThat(r.take()).hasSize(8);
        assertThat(r.wanted()).isEqualTo(8);
    }

    @Test
    void aDaemonOverItsShareReleasesTheExcessAndClaimsOfRemovedSubscriptions() {
        Set<ClaimId> mine = new HashSet<>(claims(1, 6));
        ClaimId gone = new ClaimId(ClaimId.observer("removed"), 0, 6);
        mine.add(gone);
        Rebalance r = Rebalance.plan(claims(1, 6), mine, Set.of(), List.of("a", "b", "c"), "b");
        assertThat(r.release()).contains(gone).hasSize(5);
        assertThat(r.wanted()).isZero();
    }

    @Test
    void daemonsThatPlanInTurnsConvergeOnFairShares() {
        List<ClaimId> desired = claims(3, 4);
        Map<String, Set<ClaimId>> owned = new HashMap<>();
        List<String> daemons = List.of("a", "b", "c", "d", "e");
        daemons.forEach(d -> owned.put(d, new HashSet<>()));
        for (int round = 0; round < 2; round++) {
            for (String d : daemons) {
                Set<ClaimId> others = new HashSet<>();
                owned.forEach((k, v) -> {
                    if (!k.equals(d)) {
                        others.addAll(v);
                    }
                });
                Rebalance r = Rebalance.plan(desired, owned.get(d), others, daemons, d);
                r.release().forEach(owned.get(d)::remove);
                r.take().stream().limit(r.wanted()).forEach(owned.get(d)::add);
            }
        }
        Set<ClaimId> all = new HashSet<>();
        owned.values().forEach(v -> {
            assertThat(v.size()).isBetween(2, 3);
            assertThat(v.size()).isEqualTo(v == owned.get("a") || v == owned.get("b") ? 3 : 2);
            assertThat(all.addAll(v)).isTrue();
        });
        assertThat(all).containsExactlyInAnyOrderElementsOf(desired);
    }

    @Test
    void whenADaemonDiesTheOthersShareItsClaims() {
        List<ClaimId> desired = claims(1, 6);
        Set<ClaimId> a = new HashSet<>(desired.subList(0, 2));
        Set<ClaimId> others = new HashSet<>(desired.subList(2, 4));
        Rebalance r = Rebalance.plan(desired, a, others, List.of("a", "b"), "a");
        assertThat(r.release()).isEmpty();
        assertThat(r.wanted()).isEqualTo(1);
        assertThat(r.take()).containsExactlyElementsOf(desired.subList(4, 6));
    }

    @Test
    void claimIdsRoundTripThroughTheirListenerId() {
        ClaimId c = new ClaimId(ClaimId.observer("order#paid"), 3, 8);
        assertThat(c.listenerId()).isEqualTo("observer:order#paid#3/8");
        assertThat(ClaimId.parse(c.listenerId())).contains(c);
        assertThat(ClaimId.parse("observers")).isEmpty();
        assertThat(ClaimId.parse("observer:x#9/4")).isEmpty();
    }

    @Test
    void partitionsAreStableAndSpread() {
        java.util.UUID id = java.util.UUID.fromString("00000000-0000-0000-0000-000000000001");
        assertThat(Partitions.hash("Order", id)).isEqualTo(Partitions.hash("Order", id));
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            counts[Partitions.of(Partitions.hash("Order", java.util.UUID.randomUUID()), 4)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(800, 1200);
        }
    }
}
