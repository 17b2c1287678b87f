package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ChildJvm;
import org.casfs.cas.io.Checkout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code casfs checkout} SIGKILLed half way (the machine lost power) cannot remove what it wrote.
 * Checking out into that directory again is refused, as for any directory that is not empty, but
 * the line says what happened there and how to go on; the repository is unchanged, and once the
 * directory is removed the checkout works.
 */
class StoppedCheckoutTest {
  @TempDir Path tmp;

  @Test
  void aCheckoutKilledHalfWayIsNamedAsSuchWhenCheckedOutIntoAgain() throws Exception {
    Path image = Files.createDirectories(tmp.resolve("image"));
    Random r = new Random(7);
    for (int d = 0; d < 30; d++) {
      Path dir = Files.createDirectories(image.resolve("dir" + d));
      for (int f = 0; f < 100; f++) {
        byte[] b = new byte[1 + r.nextInt(4096)];
        r.nextBytes(b);
        Files.write(dir.resolve("file" + f), b);
      }
    }
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();
    assertThat(cli.run("import", image.toString(), "--switch").code()).isZero();

    Path target = killedHalfWay(repo);
    CliRunner.Result again = cli.run("checkout", "current", target.toString());
    assertThat(again.code()).as(again.toString()).isEqualTo(ExitCode.USAGE.code());
    assertThat(again.err()).contains("checkout target " + target + " holds a checkout that stopped before it"
        + " finished (killed, or the machine lost power): remove it (rm -rf " + target + ") and check out again");
    assertThat(again.err().strip().lines()).hasSize(1);

    assertThat(cli.run("fsck").code()).isZero();
    try (var walk = Files.walk(target)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    CliRunner.Result done = cli.run("checkout", "current", target.toString());
    assertThat(done.code()).as(done.toString()).isZero();
    assertThat(Files.size(target.resolve("dir29/file99"))).isEqualTo(Files.size(image.resolve("dir29/file99")));
  }

  /** A target that a checkout in another process was writing into when it was SIGKILLed. */
  private Path killedHalfWay(Path repo) throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      Path target = tmp.resolve("out" + attempt);
      Process p = ChildJvm.of(Casfs.class, "checkout", "--repo", repo.toString(), "current", target.toString())
          .redirectErrorStream(true).redirectOutput(tmp.resolve("checkout.log").toFile()).start();
      try {
        while (p.isAlive() && !Checkout.isStoppedCheckout(target)) {
          Thread.sleep(1);
        }
        p.destroyForcibly(); // SIGKILL: no chance to remove what it wrote
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      if (Checkout.isStoppedCheckout(target)) {
        return target;
      }
    }
    throw new AssertionError("no checkout was caught half way in 10 attempts: " + Files.readString(tmp.resolve(
        "checkout.log")));
  }
}
