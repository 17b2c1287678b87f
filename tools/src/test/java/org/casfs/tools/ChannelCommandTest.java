package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine moved to another update channel (a pilot group to "testing", a school to next year's
 * channel). There was no way but a new repository, pulled whole again; and with the channel edited
 * into the config, the new channel's first version was refused as "not newer than the running 2":
 * the old channel's sequence, compared with the new one's.
 */
class ChannelCommandTest {
  @TempDir Path tmp;

  @Test
  void aMachineMovedToAnotherChannelTakesThatChannelsNewestVersion() throws Exception {
    Path key = tmp.resolve("origin.key");
    CliRunner stable = CliRunner.forRepo(tmp.resolve("stable")).env("CASFS_KEY", key.toString());
    assertThat(stable.run("init").code()).isZero();
    String pub = stable.run("keygen").out().strip();
    CliRunner testing = CliRunner.forRepo(tmp.resolve("testing")).env("CASFS_KEY", key.toString());
    assertThat(testing.run("init", "--channel", "testing").code()).isZero();
    for (int i = 1; i <= 2; i++) {
      assertThat(stable.run("import", image("stable-" + i).toString(), "--label", "s" + i).code()).isZero();
      assertThat(stable.run("sign", "s" + i).code()).isZero();
    }
    Path stableStick = tmp.resolve("stable-stick");
    assertThat(stable.run("mirror", stableStick.toString()).code()).isZero();
    assertThat(testing.run("import", image("testing-1").toString(), "--label", "t1").code()).isZero();
    assertThat(testing.run("sign", "t1").code()).isZero();
    Path testingStick = tmp.resolve("testing-stick");
    assertThat(testing.run("mirror", testingStick.toString()).code()).isZero();

    CliRunner laptop = CliRunner.forRepo(tmp.resolve("laptop"));
    assertThat(laptop.run("init").code()).isZero();
    assertThat(laptop.run("trust", pub).code()).isZero();
    assertThat(laptop.run("pull", "--from-dir", stableStick.toString(), "--switch").code()).isZero();
    CliRunner.Result other = laptop.run("pull", "--from-dir", testingStick.toString());
    assertThat(other.code()).as(other.toString()).isEqualTo(4);
    assertThat(other.err()).contains("follow 'testing' with 'casfs channel testing'");

    assertThat(laptop.run("channel").out()).isEqualTo("stable\n");
    CliRunner.Result bad = laptop.run("channel", "no spaces");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("bad channel name 'no spaces'");
    CliRunner.Result moved = laptop.run("channel", "testing");
    assertThat(moved.code()).as(moved.toString()).isZero();
    assertThat(moved.out()).startsWith("channel stable -> testing");
    assertThat(laptop.run("channel").out()).isEqualTo("testing\n");
    assertThat(laptop.run("status").out()).contains("channel:   testing\n");

    CliRunner.Result pulled = laptop.run("pull", "--from-dir", testingStick.toString(), "--switch");
    assertThat(pulled.code()).as(pulled.toString()).isZero();
    assertThat(laptop.run("cat", "current", "/hello").out()).isEqualTo("hello testing-1\n");
    CliRunner.Result again = laptop.run("pull", "--from-dir", testingStick.toString());
    assertThat(again.code()).as("on the new channel, its own sequence is the measure: " + again).isZero();
    assertThat(again.out()).as("the version that runs, not newer, not older").startsWith("already up to date at ");
    assertThat(laptop.run("pull", "--from-dir", stableStick.toString()).code())
        .as("the old channel is refused now").isEqualTo(4);
    assertThat(laptop.run("fsck").code()).isZero();

    // A daemon follows the channel it started with: while one has the repository, no change.
    ServeProcess serve = ServeProcess.start(tmp.resolve("laptop"), tmp.resolve("serve.log"));
    try {
      assertThat(laptop.run("channel").out()).isEqualTo("testing\n");
      CliRunner.Result busy = laptop.run("channel", "stable");
      assertThat(busy.code()).as(busy.toString()).isEqualTo(6);
      assertThat(busy.err()).contains("follows channel 'testing' until it stops; stop it");
    } finally {
      serve.stop();
    }
    assertThat(laptop.run("channel").out()).isEqualTo("testing\n");
  }

  private Path image(String name) throws Exception {
    return Machines.helloImage(tmp.resolve("images"), name);
  }
}
