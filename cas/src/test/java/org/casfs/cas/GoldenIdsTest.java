package org.casfs.cas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pinned ids of fixed objects. If one of these changes, the encoding changed: every existing
 * repository, signature and peer would disagree. Bump the format version instead.
 */
class GoldenIdsTest {
  private static final Metadata META = new Metadata(04755, 0, 50, 1_700_000_000_123_456_789L,
      Xattrs.of(Map.of("security.capability", new byte[] {1, 0, 0, 2}, "user.note", "hi".getBytes(StandardCharsets.UTF_8))));
  private static final Hashes BLOB = Hashes.of("hello\n".getBytes(StandardCharsets.UTF_8));

  static Tree everyKind() {
    Metadata plain = Metadata.of(0644, 1000, 1000, -1);
    return Tree.of(List.of(
        Entry.file(Name.of("hello"), META, 6, BLOB),
        Entry.file(Name.of("hard"), plain, 6, BLOB).withLink(1, 2),
        Entry.directory(Name.of("dir"), plain.withMode(01777), Hashes.of(TreeCodec.encode(Tree.EMPTY))),
        Entry.symlink(Name.of("link"), plain.withMode(0777), "../target".getBytes(StandardCharsets.UTF_8)),
        Entry.special(Name.of("null"), EntryType.CHAR_DEVICE, plain, (1L << 8) | 3),
        Entry.special(Name.of("sda"), EntryType.BLOCK_DEVICE, plain, 8L << 8),
        Entry.special(Name.of("fifo"), EntryType.FIFO, plain, 0),
        Entry.special(Name.of("sock"), EntryType.SOCKET, plain, 0),
        Entry.special(Name.of(new byte[] {'n', (byte) 0xff, '\n', ' '}), EntryType.FIFO, plain, 0)));
  }

  @Test
  void blobIdIsSha1sum() {
    // sha1sum of a file with "hello\n"
    assertThat(BLOB.id().name()).isEqualTo("f572d396fae9206628714fb2ce00f72e94f2258f");
    assertThat(BLOB.sha256().name()).isEqualTo("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  }

  @Test
  void emptyTree() {
    // printf '\x01\x00' | sha1sum
    assertThat(Hashes.of(TreeCodec.encode(Tree.EMPTY)).id().name()).isEqualTo("0e356ba505631fbf715758bed27d503f8b260e3a");
  }

  @Test
  void treeWithEveryKindOfEntry() {
    assertThat(Hashes.of(TreeCodec.encode(everyKind())).id().name()).isEqualTo("9e8322ffd95fa86071627ba88d86102a19ac223b");
  }

  @Test
  void manifest() {
    Manifest m = new Manifest(Hashes.of(TreeCodec.encode(everyKind())), META, "school/stable", 42,
        "bookworm 2026-11 \u00e9", ObjectId.fromString("0123456789abcdef0123456789abcdef01234567"), 1_764_000_000_000L);
    assertThat(Hashes.of(ManifestCodec.encode(m)).id().name()).isEqualTo("32a593090684762fdb88e973bbb8a0cd24c84f2a");
  }
}
