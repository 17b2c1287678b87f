package org.casfs.sync.peer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;

/**
 * What a peer says about itself in its DNS-SD TXT record: the version it offers (channel,
 * sequence, manifest id), the HTTP port it serves on and the protocol version it speaks.
 *
 * <p>An announcement is a hint, never a proof: anyone on the link can send one. A peer acts on
 * it only after fetching the neighbour's signed head and verifying it, so parsing here only keeps
 * garbage out of the neighbour table (every field bounded and well-formed). Immutable.
 */
public record Announcement(String channel, long sequence, ObjectId manifestId, int port, int protocol) {
  /** The protocol version this code speaks; peers announcing another one are ignored. */
  public static final int PROTOCOL = 1;

  static final String KEY_PROTOCOL = "proto";
  static final String KEY_CHANNEL = "ch";
  static final String KEY_SEQUENCE = "seq";
  static final String KEY_MANIFEST = "id";
  static final String KEY_PORT = "port";
  private static final int MAX_SEQUENCE_DIGITS = 18;

  public Announcement {
    if (!Manifest.validChannel(channel)) {
      throw new IllegalArgumentException("invalid channel: " + channel);
    }
    Objects.requireNonNull(manifestId, "manifestId");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative: " + sequence);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
    if (protocol < 1) {
      throw new IllegalArgumentException("protocol must be positive: " + protocol);
    }
  }

  public static Announcement of(String channel, long sequence, ObjectId manifestId, int port) {
    return new Announcement(channel, sequence, manifestId, port, PROTOCOL);
  }

  /** The TXT key/value pairs (RFC 6763 section 6), in a stable order. */
  public Map<String, String> toTxt() {
    Map<String, String> txt = new LinkedHashMap<>();
    txt.put(KEY_PROTOCOL, Integer.toString(protocol));
    txt.put(KEY_CHANNEL, channel);
    txt.put(KEY_SEQUENCE, Long.toString(sequence));
    txt.put(KEY_MANIFEST, manifestId.name());
    txt.put(KEY_PORT, Integer.toString(port));
    return txt;
  }

  /**
   * Parses TXT pairs received from the network. Empty when any field is missing or malformed,
   * or the protocol is not {@link #PROTOCOL}: such an announcement is not ours to act on.
   */
  public static Optional<Announcement> fromTxt(Map<String, String> txt) {
    Integer protocol = smallInt(txt.get(KEY_PROTOCOL), 9);
    Integer port = smallInt(txt.get(KEY_PORT), 5);
    String channel = txt.get(KEY_CHANNEL);
    String seq = txt.get(KEY_SEQUENCE);
    String id = txt.get(KEY_MANIFEST);
    if (protocol == null || protocol != PROTOCOL || port == null || port < 1 || port > 65535
        || !Manifest.validChannel(channel) || !digits(seq, MAX_SEQUENCE_DIGITS)
        || id == null || !ObjectId.isValid(id)) {
      return Optional.empty();
    }
    return Optional.of(new Announcement(channel, Long.parseLong(seq), ObjectId.fromString(id),
        port, protocol));
  }

  /** The manifest id a peer that holds no version yet announces. */
  public static final ObjectId NOTHING = ObjectId.fromRaw(new byte[ObjectId.LENGTH]);

  /** An announcement of a peer that offers no version (it only just joined). */
  public static Announcement nothing(String channel, int port) {
    return new Announcement(channel, 0, NOTHING, port, PROTOCOL);
  }

  /** True when this offers some version (not {@link #nothing}). */
  public boolean offersSomething() {
    return !manifestId.equals(NOTHING);
  }

  /** True when this offers a strictly newer version of {@code ourChannel} than {@code ourSequence}. */
  public boolean offersNewer(String ourChannel, long ourSequence) {
    return offersSomething() && channel.equals(ourChannel) && sequence > ourSequence;
  }

  private static Integer smallInt(String s, int maxDigits) {
    return digits(s, maxDigits) ? Integer.parseInt(s) : null;
  }

  private static boolean digits(String s, int maxDigits) {
    if (s == null || s.isEmpty() || s.length() > maxDigits) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
