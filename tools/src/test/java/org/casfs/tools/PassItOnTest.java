package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates spread laptop by laptop: a laptop that took a version with {@code casfs pull} (from the
 * school server, or from a stick at a school without a network) passes it on: its peer and its
 * server offer it, and it mirrors it to a stick for the next school. It offered nothing: its
 * server answered 404, its mirror said "run 'casfs sign VERSION' first", which a laptop cannot.
 */
class PassItOnTest {
  @TempDir Path tmp;

  @Test
  void aLaptopThatPulledAVersionServesItAndMirrorsItToAStick() throws Exception {
    CliOrigin school = CliOrigin.init(tmp.resolve("origin"), tmp.resolve("key"));
    CliRunner origin = school.cli();
    String pub = school.publicKey();
    assertThat(origin.run("import", image("v1").toString(), "--label", "v1").code()).isZero();
    assertThat(origin.run("sign", "v1").code()).isZero();
    Path schoolStick = tmp.resolve("school-stick");
    assertThat(origin.run("mirror", schoolStick.toString()).code()).isZero();

    CliRunner teacher = Machines.laptop(tmp.resolve("teacher"), pub);
    CliRunner.Result pulled = teacher.run("pull", "--from-dir", schoolStick.toString(), "--switch");
    assertThat(pulled.code()).as(pulled.toString()).isZero();

    // A stick for a village school, written by the teacher's laptop.
    Path villageStick = tmp.resolve("village-stick");
    CliRunner.Result mirrored = teacher.run("mirror", villageStick.toString());
    assertThat(mirrored.code()).as(mirrored.toString()).isZero();
    CliRunner pupil = Machines.laptop(tmp.resolve("pupil"), pub);
    CliRunner.Result fromStick = pupil.run("pull", "--from-dir", villageStick.toString(), "--switch");
    assertThat(fromStick.code()).as(fromStick.toString()).isZero();
    assertThat(pupil.run("cat", "current", "/hello").out()).isEqualTo("hello v1\n");

    // v2 reaches the teacher, and from the teacher's server a classmate.
    assertThat(origin.run("import", image("v2").toString(), "--label", "v2").code()).isZero();
    assertThat(origin.run("sign", "v2").code()).isZero();
    assertThat(origin.run("mirror", schoolStick.toString()).code()).isZero();
    assertThat(teacher.run("pull", "--from-dir", schoolStick.toString()).code()).isZero();
    ServeProcess serve = ServeProcess.start(tmp.resolve("teacher"), tmp.resolve("serve.log"));
    try {
      CliRunner.Result overHttp = pupil.run("pull", serve.url, "--switch");
      assertThat(overHttp.code()).as(overHttp.toString()).isZero();
    } finally {
      serve.stop();
    }
    assertThat(pupil.run("cat", "current", "/hello").out()).isEqualTo("hello v2\n");
    assertThat(pupil.run("fsck").code()).isZero();

    // An older version than the one that runs is a rollback, refused (exit 7).
    CliRunner.Result rollback = pupil.run("pull", "--from-dir", villageStick.toString());
    assertThat(rollback.code()).as(rollback.toString()).isEqualTo(7);
    assertThat(rollback.err()).contains("not newer than the running 2 (a rollback is refused");

    // What it offers never goes back: the version it runs (v1, v2 staged) pulled again changes
    // nothing, the offer stays.
    CliRunner.Result older = teacher.run("pull", "--from-dir", villageStick.toString());
    assertThat(older.code()).as(older.toString()).isZero();
    assertThat(older.out()).startsWith("already up to date at ").contains(" is staged: run 'casfs switch staged'");
    assertThat(teacher.run("mirror", villageStick.toString()).code()).isZero();
    CliRunner late = Machines.laptop(tmp.resolve("late"), pub);
    assertThat(late.run("pull", "--from-dir", villageStick.toString()).out()).contains("(sequence 2)");
  }

  /**
   * A teacher's laptop whose pull of v2 was cut off by a power failure after its switch and before
   * it offered v2 on runs v2 and offers v1. Its mirror writes the version it runs to the stick, and
   * says so; it wrote v1.
   */
  @Test
  void aLaptopCutOffAfterItsSwitchMirrorsTheVersionItRuns() throws Exception {
    CliOrigin school = CliOrigin.init(tmp.resolve("origin"), tmp.resolve("key"));
    CliRunner origin = school.cli();
    Path schoolStick = tmp.resolve("school-stick");
    CliRunner teacher = Machines.laptop(tmp.resolve("teacher"), school.publicKey());
    for (String v : new String[] {"v1", "v2"}) {
      assertThat(origin.run("import", image(v).toString(), "--label", v).code()).isZero();
      assertThat(origin.run("sign", v).code()).isZero();
      assertThat(origin.run("mirror", schoolStick.toString()).code()).isZero();
      assertThat(teacher.run("pull", "--from-dir", schoolStick.toString(), "--switch").code()).isZero();
    }
    ObjectId v2 = school.manifestId("v2");
    try (Repository repo = Repository.open(tmp.resolve("teacher"))) {
      SyncState state = new SyncState(repo.kv());
      state.setOfferedHead(state.acceptedHeadOrNull(school.manifestId("v1"))); // what the cut left
    }

    Path villageStick = tmp.resolve("village-stick");
    CliRunner.Result mirrored = teacher.run("mirror", villageStick.toString());
    assertThat(mirrored.code()).as(mirrored.toString()).isZero();
    assertThat(mirrored.out()).contains("offering " + v2.name() + ", the version this machine runs: the pull that"
        + " brought it stopped before it offered it on").contains("mirrored " + v2.name());
    CliRunner pupil = Machines.laptop(tmp.resolve("pupil"), school.publicKey());
    assertThat(pupil.run("pull", "--from-dir", villageStick.toString(), "--switch").code()).isZero();
    assertThat(pupil.run("cat", "current", "/hello").out()).isEqualTo("hello v2\n");
  }

  private Path image(String name) throws Exception {
    return Machines.helloImage(tmp.resolve("images"), name);
  }
}
