package org.casfs.sync.peer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A hostile announcer for tests: writes raw mDNS response packets (PTR, SRV, TXT and A records,
 * RFC 6762/6763) announcing made-up {@code _casfs._tcp} services, as fast as asked, from port
 * 5353 on one interface. Each packet is complete, so a browser resolves it without asking.
 */
final class MdnsFlood implements AutoCloseable {
  private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.251", 5353);
  private final MulticastSocket socket;

  MdnsFlood(InetAddress interfaceAddress) throws IOException {
    socket = new MulticastSocket(null);
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(5353));
    socket.setNetworkInterface(NetworkInterface.getByInetAddress(interfaceAddress));
    socket.setTimeToLive(255);
  }

  /** Announces one service instance. */
  void announce(String instance, InetAddress address, int port, Map<String, String> txt)
      throws IOException {
    byte[] packet = packet(instance, address, port, txt);
    socket.send(new DatagramPacket(packet, packet.length, GROUP));
  }

  static byte[] packet(String instance, InetAddress address, int port, Map<String, String> txt) {
    String type = "_casfs._tcp.local";
    String full = instance + "." + type;
    String host = instance + ".local";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    short16(out, 0); // id
    short16(out, 0x8400); // response, authoritative
    short16(out, 0); // questions
    short16(out, 4); // answers
    short16(out, 0);
    short16(out, 0);
    // PTR is shared (no cache-flush bit); the others are unique to the instance.
    record(out, type, 12, 1, name(full));
    ByteArrayOutputStream srv = new ByteArrayOutputStream();
    short16(srv, 0);
    short16(srv, 0);
    short16(srv, port);
    srv.writeBytes(name(host));
    record(out, full, 33, 0x8001, srv.toByteArray());
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    for (Map.Entry<String, String> e : txt.entrySet()) {
      byte[] kv = (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8);
      t.write(kv.length);
      t.writeBytes(kv);
    }
    record(out, full, 16, 0x8001, t.toByteArray());
    record(out, host, 1, 0x8001, address.getAddress());
    return out.toByteArray();
  }

  private static void record(ByteArrayOutputStream out, String owner, int type, int klass, byte[] rdata) {
    out.writeBytes(name(owner));
    short16(out, type);
    short16(out, klass);
    out.writeBytes(new byte[] {0, 0, 0, 120}); // TTL 120 s
    short16(out, rdata.length);
    out.writeBytes(rdata);
  }

  private static byte[] name(String dotted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : dotted.split("\\.")) {
      byte[] b = label.getBytes(StandardCharsets.UTF_8);
      out.write(b.length);
      out.writeBytes(b);
    }
    out.write(0);
    return out.toByteArray();
  }

  private static void short16(ByteArrayOutputStream out, int v) {
    out.write((v >> 8) & 0xff);
    out.write(v & 0xff);
  }

  @Override
  public void close() {
    socket.close();
  }
}
