package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;

class CheckSmokeTest {
  @Test
  void fsckGcDiffOnASmallStore() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Fixture f = new Fixture(store);
    ObjectId v1 = f.version(f.dir("usr", f.dir("bin", f.file("ls", "ls v1"), f.file("cat", "cat"))),
        f.file("README", "hello"));
    ObjectId v2 = f.version(f.dir("usr", f.dir("bin", f.file("ls", "ls v2"), f.file("cat", "cat"))),
        f.symlink("README", "doc/README"));
    FsckReport r = new Fsck(store).roots(List.of(v1, v2)).run();
    assertThat(r.problems()).isEmpty();
    DiffReport d = new TreeDiff(f.db).diff(Snapshot.open(f.db, v1), Snapshot.open(f.db, v2));
    assertThat(d.changes()).extracting(Change::toString)
        .containsExactly("M /README 5 -> 10 [type]", "M /usr/bin/ls 5 -> 5 [content]");
    GcReport g = new Gc(store).run(List.of(v2));
    assertThat(g.removed()).isEqualTo(6); // v1: manifest, root, usr, bin trees; "ls v1" and "hello" blobs
    assertThat(new Fsck(store).roots(List.of(v2)).run().problems()).isEmpty();
  }
}
