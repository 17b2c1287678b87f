package org.casfs.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every malformed encoding is a CorruptObjectException that names the object and the problem. */
class CodecRejectionTest {
  private static final ObjectId ID = ObjectId.fromString("3fa4d2c6a1b0e9f8d7c6b5a4e3d2c1b0a9f8e7d6");
  private static final byte[] SHA1 = new byte[ObjectId.LENGTH];
  private static final byte[] SHA256 = new byte[Sha256.LENGTH];

  /** A tree encoding written by hand, so that it can be wrong. */
  private static byte[] tree(int count, Consumer<ByteSink> entries) {
    ByteSink out = new ByteSink(64);
    out.u8(TreeCodec.VERSION);
    out.varint(count);
    entries.accept(out);
    return out.toByteArray();
  }

  /** One FIFO entry with plain metadata: the smallest entry there is. */
  private static void fifo(ByteSink out, byte[] name) {
    out.lengthPrefixed(name);
    out.u8(EntryType.FIFO.code());
    meta(out, 0);
    out.varint(0); // link group
  }

  private static void meta(ByteSink out, int xattrs) {
    out.varint(0644);
    out.varint(0);
    out.varint(0);
    out.zigzag(0);
    out.varint(xattrs);
  }

  private static void file(ByteSink out, String name, long size) {
    out.lengthPrefixed(ascii(name));
    out.u8(EntryType.REGULAR.code());
    meta(out, 0);
    out.varint(size);
    out.bytes(SHA1);
    out.bytes(SHA256);
    out.varint(0);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> rejects(byte[] tree, String problem) {
    return assertThatThrownBy(() -> TreeCodec.decode(ID, tree))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(ID.name())
        .hasMessageContaining("tree does not decode")
        .hasMessageContaining(problem);
  }

  @Test
  void theHandWrittenEncodingIsValid() throws Exception {
    assertThat(TreeCodec.decode(ID, tree(2, out -> {
      fifo(out, ascii("a"));
      file(out, "b", 3);
    })).size()).isEqualTo(2);
  }

  @Test
  void badNames() {
    rejects(tree(1, out -> fifo(out, new byte[0])), "empty name");
    rejects(tree(1, out -> fifo(out, ascii("."))), "name '.' or '..'");
    rejects(tree(1, out -> fifo(out, ascii(".."))), "name '.' or '..'");
    rejects(tree(1, out -> fifo(out, ascii("etc/passwd"))), "name contains '/'");
    rejects(tree(1, out -> fifo(out, ascii("/"))), "name contains '/'");
    rejects(tree(1, out -> fifo(out, new byte[] {'a', 0, 'b'})), "name contains NUL");
    byte[] long256 = new byte[256];
    Arrays.fill(long256, (byte) 'x');
    rejects(tree(1, out -> fifo(out, long256)), "name length 256 outside 0..255");
    byte[] long255 = Arrays.copyOf(long256, 255);
    assertThat(decodes(tree(1, out -> fifo(out, long255)))).isTrue();
  }

  @Test
  void unsortedAndDuplicateNames() {
    rejects(tree(2, out -> {
      fifo(out, ascii("b"));
      fifo(out, ascii("a"));
    }), "names unsorted or duplicate at a");
    rejects(tree(2, out -> {
      fifo(out, ascii("a"));
      fifo(out, ascii("a"));
    }), "names unsorted or duplicate at a");
    // Unsigned byte order: 0xe9 sorts after 'z'; signed comparison would say otherwise.
    rejects(tree(2, out -> {
      fifo(out, new byte[] {(byte) 0xe9});
      fifo(out, ascii("z"));
    }), "names unsorted or duplicate at z");
    assertThat(decodes(tree(2, out -> {
      fifo(out, ascii("z"));
      fifo(out, new byte[] {(byte) 0xe9});
    }))).isTrue();
  }

  @Test
  void unknownVersionAndType() {
    byte[] t = tree(1, out -> fifo(out, ascii("a")));
    t[0] = 2;
    rejects(t, "unknown tree format version 2");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("a"));
      out.u8(8);
      meta(out, 0);
      out.varint(0);
    }), "unknown entry type 8 for a");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("a"));
      out.u8(0);
      out.bytes(new byte[12]); // so that the count is plausible
    }), "unknown entry type 0 for a");
  }

  @Test
  void truncatedAtEveryByteAndTrailingBytes() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int round = 0; round < 40; round++) {
        Tree t = gen.tree(8);
        byte[] enc = TreeCodec.encode(t);
        for (int len = 0; len < enc.length; len++) {
          byte[] cut = Arrays.copyOf(enc, len);
          assertThatThrownBy(() -> TreeCodec.decode(ID, cut)).as("prefix of %d bytes", len)
              .isInstanceOf(CorruptObjectException.class).hasMessageContaining(ID.name())
              .message().matches(".*(truncated|larger than the bytes can hold).*");
        }
        byte[] longer = Arrays.copyOf(enc, enc.length + 1 + rnd.nextInt(4));
        rejects(longer, "trailing bytes");
        Manifest m = gen.manifest();
        byte[] menc = ManifestCodec.encode(m);
        for (int len = 0; len < menc.length; len++) {
          byte[] cut = Arrays.copyOf(menc, len);
          assertThatThrownBy(() -> ManifestCodec.decode(ID, cut)).as("prefix of %d bytes", len)
              .isInstanceOf(CorruptObjectException.class).hasMessageContaining(ID.name())
              .hasMessageContaining("truncated");
        }
        byte[] mlonger = Arrays.copyOf(menc, menc.length + 1);
        assertThatThrownBy(() -> ManifestCodec.decode(ID, mlonger)).isInstanceOf(CorruptObjectException.class)
            .hasMessageContaining("1 trailing bytes");
      }
    });
  }

  @Test
  void nonMinimalVarints() {
    // The count 1 written in two bytes.
    byte[] t = tree(1, out -> fifo(out, ascii("a")));
    byte[] padded = new byte[t.length + 1];
    padded[0] = t[0];
    padded[1] = (byte) 0x81;
    padded[2] = 0;
    System.arraycopy(t, 2, padded, 3, t.length - 2);
    rejects(padded, "varint not in shortest form");
    // An eleven-byte varint, and one that overflows 64 bits.
    byte[] tooLong = {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0x81, 0};
    rejects(tooLong, "varint overflows 64 bits");
    byte[] sixtyFour = {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, 1};
    rejects(sixtyFour, "varint overflows 63 bits");
  }

  @Test
  void absurdCountsAndSizesFailBeforeAllocating() {
    rejects(withCount(1L << 31), "entry count 2147483648 outside 0..2097152");
    rejects(withCount(Tree.MAX_ENTRIES), "entry count 2097152 larger than the bytes can hold");
    rejects(tree(1, out -> file(out, "a", Entry.MAX_SIZE + 1)), "file size 1125899906842625 outside");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("l"));
      out.u8(EntryType.SYMLINK.code());
      meta(out, 0);
      out.varint(1L << 31);
    }), "symlink target length 2147483648 outside 0..4095");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("a"));
      out.u8(EntryType.FIFO.code());
      meta(out, Integer.MAX_VALUE);
    }), "xattr count 2147483647 outside 0..1024");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("a"));
      out.u8(EntryType.FIFO.code());
      meta(out, 1);
      out.lengthPrefixed(ascii("user.big"));
      out.varint(1 << 20);
    }), "xattr value length 1048576 outside 0..65536");
  }

  /**
   * A tree is at most 16 MiB, the most a pulling machine takes: larger bytes are refused before
   * they are parsed, and a directory that would encode larger is not encoded (import names it).
   */
  @Test
  void treesOverSixteenMebibytesAreNeitherReadNorMade() {
    byte[] huge = new byte[Tree.MAX_ENCODED_BYTES + 1];
    huge[0] = 1;
    rejects(huge, "16777217 bytes, more than the 16777216 a tree may take");
    Metadata meta = Metadata.of(0644, 0, 0, 0);
    Hashes blob = Hashes.of(new byte[0]);
    java.util.List<Entry> entries = new java.util.ArrayList<>();
    for (int i = 0; entries.size() * 300L <= Tree.MAX_ENCODED_BYTES; i++) {
      entries.add(Entry.file(Name.of(String.format("%0240d", i)), meta, 0, blob));
    }
    Tree big = Tree.ofSorted(entries);
    assertThatThrownBy(() -> TreeCodec.encode(big)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a directory of " + entries.size() + " entries makes a tree of ")
        .hasMessageContaining("more than the 16777216 a tree may take");
  }

  private static byte[] withCount(long count) {
    ByteSink out = new ByteSink(16);
    out.u8(TreeCodec.VERSION);
    out.varint(count);
    return out.toByteArray();
  }

  @Test
  void badMetadataAndBodies() {
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("a"));
      out.u8(EntryType.FIFO.code());
      out.varint(010000);
      out.bytes(new byte[12]);
    }), "mode 4096 outside 0..4095");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("a"));
      out.u8(EntryType.FIFO.code());
      out.varint(0644);
      out.varint(1L << 32);
    }), "uid 4294967296 outside 0..4294967295");
    rejects(tree(1, out -> {
      fifoWithoutLink(out, "a");
      out.varint(7); // link group
      out.varint(1); // nlink
    }), "nlink 1 outside 2..");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("l"));
      out.u8(EntryType.SYMLINK.code());
      meta(out, 0);
      out.lengthPrefixed(new byte[0]);
      out.varint(0);
    }), "symlink target empty");
    rejects(tree(1, out -> {
      out.lengthPrefixed(ascii("l"));
      out.u8(EntryType.SYMLINK.code());
      meta(out, 0);
      out.lengthPrefixed(new byte[] {'a', 0});
      out.varint(0);
    }), "containing NUL");
  }

  private static void fifoWithoutLink(ByteSink out, String name) {
    out.lengthPrefixed(ascii(name));
    out.u8(EntryType.FIFO.code());
    meta(out, 0);
  }

  @Test
  void badXattrs() {
    rejects(tree(1, out -> {
      fifoWithXattrs(out, "user.b", "user.a");
    }), "xattr names unsorted or duplicate");
    rejects(tree(1, out -> {
      fifoWithXattrs(out, "user.a", "user.a");
    }), "xattr names unsorted or duplicate");
    rejects(tree(1, out -> {
      fifoWithXattrs(out, "");
    }), "empty xattr name");
    rejects(tree(1, out -> {
      fifoWithXattrs(out, "user.\0x");
    }), "NUL");
    assertThat(decodes(tree(1, out -> fifoWithXattrs(out, "security.capability", "user.a")))).isTrue();
  }

  private static void fifoWithXattrs(ByteSink out, String... names) {
    out.lengthPrefixed(ascii("f"));
    out.u8(EntryType.FIFO.code());
    out.varint(0644);
    out.varint(0);
    out.varint(0);
    out.zigzag(0);
    out.varint(names.length);
    for (String n : names) {
      out.lengthPrefixed(ascii(n.replace("\\0", "\0")));
      out.lengthPrefixed(new byte[] {1, 2});
    }
    out.varint(0);
  }

  private static byte[] manifest(Consumer<ByteSink> afterMagic) {
    ByteSink out = new ByteSink(64);
    out.bytes(ascii("CASFSMAN"));
    afterMagic.accept(out);
    return out.toByteArray();
  }

  private static void manifestBody(ByteSink out, String channel, byte[] label, int parentFlag) {
    out.u8(ManifestCodec.VERSION);
    out.bytes(SHA1);
    out.bytes(SHA256);
    meta(out, 0);
    out.lengthPrefixed(ascii(channel));
    out.varint(1);
    out.lengthPrefixed(label);
    out.u8(parentFlag);
    if (parentFlag == 1) {
      out.bytes(SHA1);
    }
    out.zigzag(0);
  }

  private static void rejectsManifest(byte[] bytes, String problem) {
    assertThatThrownBy(() -> ManifestCodec.decode(ID, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(ID.name())
        .hasMessageContaining("manifest does not decode")
        .hasMessageContaining(problem);
  }

  @Test
  void badManifests() throws Exception {
    assertThat(ManifestCodec.decode(ID, manifest(out -> manifestBody(out, "stable", ascii("ok"), 1))).parent())
        .isNotNull();
    byte[] badMagic = manifest(out -> manifestBody(out, "stable", ascii("ok"), 0));
    badMagic[0] = 'X';
    rejectsManifest(badMagic, "not a manifest (bad magic)");
    rejectsManifest(TreeCodec.encode(Tree.EMPTY), "truncated");
    rejectsManifest(manifest(out -> {
      out.u8(2);
    }), "unknown manifest format version 2");
    rejectsManifest(manifest(out -> manifestBody(out, "stable", ascii("ok"), 2)), "bad parent flag 2");
    rejectsManifest(manifest(out -> manifestBody(out, "sta ble", ascii("ok"), 0)), "channel must be");
    rejectsManifest(manifest(out -> manifestBody(out, "", ascii("ok"), 0)), "channel must be");
    rejectsManifest(manifest(out -> manifestBody(out, "x".repeat(65), ascii("ok"), 0)), "channel length 65 outside");
    rejectsManifest(manifest(out -> manifestBody(out, "stable", new byte[] {(byte) 0xc3, 0x28}, 0)),
        "text is not UTF-8");
    rejectsManifest(manifest(out -> manifestBody(out, "stable", new byte[] {(byte) 0xc0, (byte) 0xaf}, 0)),
        "text is not UTF-8"); // an overlong '/'
    rejectsManifest(manifest(out -> manifestBody(out, "stable", new byte[] {'a', '\n'}, 0)), "printable");
  }

  private static boolean decodes(byte[] tree) {
    try {
      TreeCodec.decode(ID, tree);
      return true;
    } catch (CorruptObjectException e) {
      throw new AssertionError(e);
    }
  }
}
