package org.casfs.tools.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The control socket's byte format: round trips, streamed frames, and the bounds a reader enforces. */
class ControlProtocolTest {
  @Test
  void aRequestRoundTrips() throws IOException {
    ControlProtocol.Request r = new ControlProtocol.Request(Path.of("/home/ana/src"), true,
        Map.of("CASFS_REPO", "/var/lib/casfs", "CASFS_DEBUG", "1"), List.of("cat", "current", "etc/hostname", "ü"));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ControlProtocol.writeRequest(b, r);
    assertThat(ControlProtocol.readRequest(new ByteArrayInputStream(b.toByteArray()))).isEqualTo(r);
  }

  @Test
  void outputOfAnySizeStreamsInBoundedFramesAndArrivesWhole() throws IOException {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    byte[] big = new byte[300_000 + rnd.nextInt(100_000)];
    rnd.nextBytes(big);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    DataOutputStream sink = new DataOutputStream(wire);
    try (FrameOutputStream out = new FrameOutputStream(sink, ControlProtocol.STDOUT);
        FrameOutputStream err = new FrameOutputStream(sink, ControlProtocol.STDERR)) {
      out.write(big, 0, 1000);
      err.write("warning\n".getBytes(StandardCharsets.UTF_8));
      out.write(big, 1000, big.length - 1000);
    }
    ControlProtocol.writeExit(sink, 4);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Integer code = ControlProtocol.copyResponse(new ByteArrayInputStream(wire.toByteArray()), stdout, stderr);
    assertThat(code).as("seed " + seed).isEqualTo(4);
    assertThat(stdout.toByteArray()).as("seed " + seed).isEqualTo(big);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("warning\n");
  }

  @Test
  void aResponseCutShortHasNoExitCode() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    DataOutputStream sink = new DataOutputStream(wire);
    ControlProtocol.writeFrame(sink, ControlProtocol.STDOUT, new byte[10], 0, 10);
    assertThat(ControlProtocol.copyResponse(new ByteArrayInputStream(wire.toByteArray()),
        new ByteArrayOutputStream(), new ByteArrayOutputStream())).isNull();
  }

  @Test
  void oversizedOrForeignRequestsAreRefusedBeforeAllocating() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(ControlProtocol.MAGIC);
    d.writeInt(Integer.MAX_VALUE); // a cwd "2 GiB long"
    assertThatThrownBy(() -> ControlProtocol.readRequest(new ByteArrayInputStream(b.toByteArray())))
        .isInstanceOf(IOException.class).hasMessageContaining("at most " + ControlProtocol.MAX_STRING);

    assertThatThrownBy(() -> ControlProtocol.readRequest(new ByteArrayInputStream("GET / HTTP/1.1\r\n".getBytes(
        StandardCharsets.US_ASCII)))).isInstanceOf(IOException.class).hasMessageContaining("bad magic");

    ByteArrayOutputStream many = new ByteArrayOutputStream();
    DataOutputStream m = new DataOutputStream(many);
    m.writeInt(ControlProtocol.MAGIC);
    m.writeInt(1);
    m.write('/');
    m.writeByte(0);
    m.writeInt(0);
    m.writeInt(ControlProtocol.MAX_ARGS);
    byte[] arg = new byte[ControlProtocol.MAX_STRING];
    for (int i = 0; i < 20; i++) { // 20 x 64 KiB > 1 MiB
      m.writeInt(arg.length);
      m.write(arg);
    }
    assertThatThrownBy(() -> ControlProtocol.readRequest(new ByteArrayInputStream(many.toByteArray())))
        .isInstanceOf(IOException.class).hasMessageContaining("longer than " + ControlProtocol.MAX_REQUEST);
  }

  @Test
  void theSubcommandIsTheFirstNonOption() {
    assertThat(ControlServer.subcommand(List.of("--repo", "x"))).isEqualTo("x"); // root takes no valued options
    assertThat(ControlServer.subcommand(List.of("status", "--repo", "/r"))).isEqualTo("status");
    assertThat(ControlServer.subcommand(List.of())).isEmpty();
  }
}
