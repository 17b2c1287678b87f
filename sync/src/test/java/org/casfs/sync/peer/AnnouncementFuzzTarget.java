package org.casfs.sync.peer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz target for the mDNS TXT records any machine on the network may send: lines of
 * {@code key=value}. Parsing may only return an announcement or nothing, never throw, and an
 * announcement must survive its own round trip through TXT records.
 */
public final class AnnouncementFuzzTarget {
  private AnnouncementFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) {
    Map<String, String> txt = new HashMap<>();
    for (String line : new String(input, StandardCharsets.ISO_8859_1).split("\n")) {
      int eq = line.indexOf('=');
      txt.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
    }
    Optional<Announcement> a = Announcement.fromTxt(txt);
    if (a.isPresent() && !Announcement.fromTxt(a.get().toTxt()).equals(a)) {
      throw new AssertionError("an announcement that does not survive its TXT round trip: " + a.get());
    }
  }
}
