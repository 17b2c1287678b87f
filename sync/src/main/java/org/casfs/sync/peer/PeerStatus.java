package org.casfs.sync.peer;

import java.time.Instant;
import java.util.List;

/**
 * What a peer daemon knows right now: what it offers, the neighbours it sees and their versions,
 * the transfer in progress (or the last one), how much it served, and its store's health (the
 * last whole scrub, damaged objects not yet repaired). {@link #toText()} is the
 * format of the daemon's status file, which {@code casfs status} prints: one {@code key: value}
 * per line, neighbours and transfer as indented lines. Immutable.
 */
public record PeerStatus(String channel, int port, Announcement offering, long haveSequence,
    List<Neighbour> neighbours, Transfer transfer, long pulls, long requestsServed,
    long bytesServed, PeerFinder.Stats discovery, long lastScrubMillis, int repairsPending) {

  public PeerStatus {
    neighbours = List.copyOf(neighbours);
  }

  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append("peer: port ").append(port).append(", channel ").append(channel).append('\n');
    b.append("offering: ").append(offering.channel()).append('#').append(offering.sequence())
        .append(' ').append(offering.manifestId().name()).append('\n');
    b.append("served: ").append(requestsServed).append(" requests, ").append(bytesServed)
        .append(" bytes\n");
    b.append("pulls: ").append(pulls).append('\n');
    b.append("store: last whole scrub ").append(lastScrubMillis == 0 ? "never" : Instant.ofEpochMilli(lastScrubMillis))
        .append(", ").append(repairsPending).append(" damaged objects waiting for a neighbour to repair them\n");
    b.append("neighbours: ").append(neighbours.size()).append(" (heard ")
        .append(discovery.announcementsHeard()).append(" announcements, ")
        .append(discovery.malformed()).append(" malformed, ").append(discovery.evictions())
        .append(" evicted)\n");
    for (Neighbour n : neighbours) {
      Announcement a = n.announcement();
      b.append("  ").append(n.key()).append(' ').append(n.baseUrl()).append(' ')
          .append(a == null ? "version ?" : a.channel() + "#" + a.sequence() + " " + a.manifestId().name())
          .append(n.verified() ? " verified" : "").append(" seen ").append(n.lastSeen())
          .append(' ').append(n.source().name().toLowerCase()).append('\n');
    }
    if (transfer != null) {
      b.append("transfer: ").append(transfer.channel()).append('#').append(transfer.sequence())
          .append(' ').append(transfer.manifest()).append(' ').append(transfer.phase()).append(' ')
          .append(transfer.bytesDone()).append('/').append(transfer.bytesTotal()).append(" bytes ")
          .append(transfer.objectsDone()).append('/').append(transfer.objectsTotal())
          .append(" objects, ").append(transfer.outcome()).append(", started ")
          .append(Instant.ofEpochMilli(transfer.startedMillis()));
      if (transfer.finishedMillis() > 0) {
        b.append(", took ").append(transfer.finishedMillis() - transfer.startedMillis()).append(" ms");
      }
      b.append('\n');
      for (int i = 0; i < transfer.sources().size(); i++) {
        b.append("  from ").append(transfer.sources().get(i));
        if (i < transfer.bytesPerSource().size()) {
          b.append(' ').append(transfer.bytesPerSource().get(i)).append(" bytes");
        }
        b.append('\n');
      }
    }
    return b.toString();
  }
}
