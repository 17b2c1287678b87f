package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.Puller;
import org.junit.jupiter.api.Test;

/**
 * When a repair is due and no neighbour is known yet (a laptop at boot: mDNS takes a few seconds,
 * and its peer found at start that a version lacks objects), it is tried as soon as a neighbour is
 * known, not {@link SelfRepair#RETRY} later, and nothing is read or logged again meanwhile.
 */
class SelfRepairRetryTest {
  @Test
  void aRepairWithNoNeighbourYetIsTriedOnceOneIsKnown() throws Exception {
    List<String> log = new ArrayList<>();
    SelfRepair repair = new SelfRepair(new MemoryObjectStore(), log::add);
    ObjectId lost = Hashes.of(new byte[] {1, 2, 3}).id();
    repair.lacking(lost);
    List<List<ObjectId>> asked = new ArrayList<>();
    SelfRepair.Repairer repairer = (from, damaged, versions) -> {
      asked.add(List.of(lost));
      return new Puller.RepairResult(1, 3, List.of());
    };
    Instant boot = Instant.parse("2026-11-30T08:00:00Z");

    repair.runIfDue(List.of(), Set.of(), repairer, boot);
    repair.runIfDue(List.of(), Set.of(), repairer, boot.plusSeconds(2));
    assertThat(asked).isEmpty();
    assertThat(log).singleElement().asString().contains("could not repair", "no neighbour");

    try (HttpSource neighbour = new HttpSource("http://127.0.0.1:9/", PullConfig.defaults())) {
      repair.runIfDue(List.of(neighbour), Set.of(), repairer, boot.plusSeconds(5)); // found by mDNS
    }
    assertThat(asked).hasSize(1);
    assertThat(log).last().asString().startsWith("repaired ");
    assertThat(repair.pending()).isZero();
  }
}
