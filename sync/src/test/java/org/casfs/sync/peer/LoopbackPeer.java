package org.casfs.sync.peer;

import java.net.InetSocketAddress;
import java.util.List;

/** A peer's configuration for tests on one machine: loopback only, no mDNS, no static neighbours. */
final class LoopbackPeer {
  private LoopbackPeer() {}

  static PeerConfig config() {
    PeerConfig d = PeerConfig.defaults(0);
    return new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), List.of(), false, d.maxUploads(),
        d.pollInterval(), d.headChecksPerSecond(), d.neighbourCapacity(), null, d.pull(), null);
  }
}
