package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.junit.jupiter.api.Test;

/** A tree stored as received (a pull) is kept decoded: walking it next neither reads nor decodes it. */
class ObjectDatabaseTest {
  @Test
  void aTreeWrittenDecodedIsStoredAsItsBytesAndReadBackWithoutDecoding() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    ObjectDatabase db = new ObjectDatabase(store, 1 << 20);
    Tree tree = Tree.of(List.of(Entry.file(Name.of("motd"), Metadata.of(0644, 0, 0, 1_700_000_000_000_000_000L), 6,
        Hashes.of("hello\n".getBytes(StandardCharsets.UTF_8)))));
    byte[] encoded = TreeCodec.encode(tree);
    Tree decoded = TreeCodec.decode(Hashes.of(encoded).id(), encoded);

    Hashes written = db.writeDecodedTree(HashedBytes.of(encoded.clone()), decoded);

    assertThat(written).isEqualTo(Hashes.of(encoded));
    assertThat(store.read(written.id())).isEqualTo(encoded);
    assertThat(store.statOrNull(written.id()).type()).isEqualTo(ObjectType.TREE);
    assertThat(db.readTree(written.id())).as("the instance kept, not decoded again").isSameAs(decoded);
    db.invalidate(written.id());
    Tree again = db.readTree(written.id());
    assertThat(again).isNotSameAs(decoded).isEqualTo(tree);
  }
}
