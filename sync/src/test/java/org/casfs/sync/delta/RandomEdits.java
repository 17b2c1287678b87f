package org.casfs.sync.delta;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Seeded generators of blob pairs that look like file updates: edits, inserts, deletions, moves. */
final class RandomEdits {
  private RandomEdits() {}

  /** Content that is partly random, partly text-like and repetitive, as real files are. */
  static byte[] content(Random r, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    String[] words = {"lib", "version", "casfs", "\n", " ", "0x", "ELF", "symbol_", "=", "\0\0\0\0"};
    while (out.size() < size) {
      int kind = r.nextInt(3);
      int len = Math.min(size - out.size(), 1 + r.nextInt(512));
      if (kind == 0) {
        byte[] b = new byte[len];
        r.nextBytes(b);
        out.write(b, 0, len);
      } else {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < len) {
          sb.append(words[r.nextInt(words.length)]).append(r.nextInt(100));
        }
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1), 0, len);
      }
    }
    return out.toByteArray();
  }

  /** {@code base} after {@code count} random edits (replace, insert, delete, duplicate, flip). */
  static byte[] edit(Random r, byte[] base, int count) {
    byte[] cur = base;
    for (int i = 0; i < count; i++) {
      int pos = cur.length == 0 ? 0 : r.nextInt(cur.length + 1);
      int len = 1 + r.nextInt(Math.max(1, Math.min(4096, cur.length / 8 + 1)));
      ByteArrayOutputStream out = new ByteArrayOutputStream(cur.length + len);
      switch (r.nextInt(5)) {
        case 0 -> { // replace
          out.write(cur, 0, pos);
          out.writeBytes(content(r, len));
          int skip = Math.min(len, cur.length - pos);
          out.write(cur, pos + skip, cur.length - pos - skip);
        }
        case 1 -> { // insert
          out.write(cur, 0, pos);
          out.writeBytes(content(r, len));
          out.write(cur, pos, cur.length - pos);
        }
        case 2 -> { // delete
          int del = Math.min(len, cur.length - pos);
          out.write(cur, 0, pos);
          out.write(cur, pos + del, cur.length - pos - del);
        }
        case 3 -> { // duplicate a block elsewhere
          int from = cur.length == 0 ? 0 : r.nextInt(cur.length);
          int n = Math.min(len, cur.length - from);
          out.write(cur, 0, pos);
          out.write(cur, from, n);
          out.write(cur, pos, cur.length - pos);
        }
        default -> { // flip bytes in place, as a relinked address table does
          byte[] c = cur.clone();
          for (int k = 0; k < Math.min(len, 64) && c.length > 0; k++) {
            c[r.nextInt(c.length)] ^= (byte) (1 + r.nextInt(255));
          }
          out.writeBytes(c);
        }
      }
      cur = out.toByteArray();
    }
    return cur;
  }
}
