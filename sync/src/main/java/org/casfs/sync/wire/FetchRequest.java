package org.casfs.sync.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;

/**
 * The body of {@code POST /v1/fetch}: the manifest the client wants and what it has.
 *
 * <pre>
 * casfs-fetch 1
 * want ID                 the manifest wanted
 * have-version ID         (0..n) versions the client holds completely: nothing reachable from them is sent
 * have ID                 (0..n) single objects the client holds
 * need ID                 (0..n) if present, send exactly these objects (the client already walked the trees)
 * accept TYPE             (0..n) extension frame types the client reads (16 = delta); none: only the
 *                         base frames, so a client that predates an extension never receives it
 * </pre>
 *
 * Parsing is strict and bounded ({@link #MAX_BYTES}). Immutable.
 */
public record FetchRequest(ObjectId want, List<ObjectId> haveVersions, List<ObjectId> have, List<ObjectId> need,
    List<Integer> accepts) {
  public static final int MAX_BYTES = 32 << 20;
  private static final String FIRST = "casfs-fetch 1";

  public FetchRequest {
    haveVersions = List.copyOf(haveVersions);
    have = List.copyOf(have);
    need = List.copyOf(need);
    accepts = List.copyOf(accepts);
    for (int t : accepts) {
      if (t < FrameHeader.FIRST_EXTENSION || t > 255) {
        throw new IllegalArgumentException("not an extension frame type: " + t);
      }
    }
  }

  /** A request from a client that reads only the base frames. */
  public FetchRequest(ObjectId want, List<ObjectId> haveVersions, List<ObjectId> have, List<ObjectId> need) {
    this(want, haveVersions, have, need, List.of());
  }

  /** Whether the client said it reads frames of {@code frameType}. */
  public boolean accepts(int frameType) {
    return accepts.contains(frameType);
  }

  public byte[] encode() {
    StringBuilder sb = new StringBuilder(64 + 46 * (have.size() + need.size()));
    sb.append(FIRST).append('\n').append("want ").append(want.name()).append('\n');
    for (ObjectId id : haveVersions) {
      sb.append("have-version ").append(id.name()).append('\n');
    }
    for (ObjectId id : have) {
      sb.append("have ").append(id.name()).append('\n');
    }
    for (ObjectId id : need) {
      sb.append("need ").append(id.name()).append('\n');
    }
    for (int t : accepts) {
      sb.append("accept ").append(t).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  public static FetchRequest parse(byte[] body) throws IOException {
    if (body.length > MAX_BYTES) {
      throw new WireException("fetch request over " + MAX_BYTES + " bytes");
    }
    String[] lines = new String(body, StandardCharsets.US_ASCII).split("\n");
    if (lines.length == 0 || !lines[0].equals(FIRST)) {
      throw new WireException("fetch request must start with '" + FIRST + "'");
    }
    ObjectId want = null;
    List<ObjectId> versions = new ArrayList<>();
    List<ObjectId> have = new ArrayList<>();
    List<ObjectId> need = new ArrayList<>();
    List<Integer> accepts = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      int sp = line.indexOf(' ');
      String word = sp < 0 ? line : line.substring(0, sp);
      String arg = sp < 0 ? "" : line.substring(sp + 1);
      if (word.equals("accept")) {
        accepts.add(frameType(arg, i + 1));
        continue;
      }
      if (!ObjectId.isValid(arg)) {
        throw new WireException("fetch request line " + (i + 1) + ": not an object id: " + arg);
      }
      ObjectId id = ObjectId.fromString(arg);
      switch (word) {
        case "want" -> want = id;
        case "have-version" -> versions.add(id);
        case "have" -> have.add(id);
        case "need" -> need.add(id);
        default -> throw new WireException("fetch request line " + (i + 1) + ": unknown word " + word);
      }
    }
    if (want == null) {
      throw new WireException("fetch request names no 'want'");
    }
    return new FetchRequest(want, versions, have, need, accepts);
  }

  private static int frameType(String arg, int line) throws WireException {
    if (arg.isEmpty() || arg.length() > 3 || !arg.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new WireException("fetch request line " + line + ": not a frame type: " + arg);
    }
    int t = Integer.parseInt(arg);
    if (t < FrameHeader.FIRST_EXTENSION || t > 255) {
      throw new WireException("fetch request line " + line + ": not an extension frame type: " + t);
    }
    return t;
  }
}
