package org.casfs.cas;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * The canonical binary encoding of a {@link Manifest}; a version's id is the SHA-1 of these bytes,
 * and signatures are made over them.
 *
 * <pre>
 * manifest = "CASFSMAN" u8 version(1)  sha1[20] sha256[32] (root tree)  metadata (root directory)
 *            bytes channel(utf-8)  varint sequence  bytes label(utf-8)
 *            u8 hasParent(0|1)  [sha1[20]]  zigzag createdMillis
 * </pre>
 *
 * The magic keeps a manifest from ever decoding as a tree or being mistaken for one.
 */
public final class ManifestCodec {
  public static final int VERSION = 1;
  private static final byte[] MAGIC = "CASFSMAN".getBytes(StandardCharsets.US_ASCII);

  private ManifestCodec() {}

  public static byte[] encode(Manifest m) {
    ByteSink out = new ByteSink(160);
    out.bytes(MAGIC);
    out.u8(VERSION);
    out.hashes(m.root());
    MetadataCodec.encode(out, m.rootMeta());
    out.lengthPrefixed(m.channel().getBytes(StandardCharsets.UTF_8));
    out.varint(m.sequence());
    out.lengthPrefixed(m.label().getBytes(StandardCharsets.UTF_8));
    if (m.parent() == null) {
      out.u8(0);
    } else {
      out.u8(1);
      out.bytes(m.parent().toRaw());
    }
    out.zigzag(m.createdMillis());
    return out.toByteArray();
  }

  public static Manifest decode(ObjectId id, byte[] bytes) throws CorruptObjectException {
    ByteSource in = new ByteSource(id, "manifest", bytes);
    byte[] magic = in.bytes(MAGIC.length);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw in.error("not a manifest (bad magic)");
    }
    int version = in.u8();
    if (version != VERSION) {
      throw in.error("unknown manifest format version " + version);
    }
    Hashes root = in.hashes();
    Metadata rootMeta = MetadataCodec.decode(in);
    String channel = utf8(in, in.lengthPrefixed("channel", Manifest.MAX_CHANNEL));
    long sequence = in.varint();
    String label = utf8(in, in.lengthPrefixed("label", Manifest.MAX_LABEL * 4));
    int hasParent = in.u8();
    if (hasParent > 1) {
      throw in.error("bad parent flag " + hasParent);
    }
    ObjectId parent = hasParent == 1 ? ObjectId.fromRaw(in.bytes(ObjectId.LENGTH)) : null;
    long created = in.zigzag();
    in.expectEnd();
    try {
      return new Manifest(root, rootMeta, channel, sequence, label, parent, created);
    } catch (IllegalArgumentException e) {
      throw in.error(e.getMessage());
    }
  }

  private static String utf8(ByteSource in, byte[] bytes) throws CorruptObjectException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw in.error("text is not UTF-8");
    }
  }
}
