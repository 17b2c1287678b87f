package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.casfs.cas.ObjectId;

/**
 * An origin made through the CLI for a test: {@code casfs init} and {@code casfs keygen} with
 * {@code CASFS_KEY} set, both checked.
 *
 * @param cli runs commands on the origin's repository with its key
 * @param key the private key's file
 * @param publicKey the line {@code casfs trust} takes
 */
record CliOrigin(CliRunner cli, Path key, String publicKey) {
  static CliOrigin init(Path dir, Path key) {
    CliRunner cli = CliRunner.forRepo(dir).env("CASFS_KEY", key.toString());
    CliRunner.Result init = cli.run("init");
    assertThat(init.code()).as(init.toString()).isZero();
    CliRunner.Result keygen = cli.run("keygen");
    assertThat(keygen.code()).as(keygen.toString()).isZero();
    return new CliOrigin(cli, key, keygen.out().strip());
  }

  /** A machine's repository in {@code dir} that trusts this origin ({@code casfs init}, {@code casfs trust}, both checked). */
  CliRunner trustingMachine(Path dir) {
    CliRunner machine = CliRunner.forRepo(dir);
    CliRunner.Result init = machine.run("init");
    assertThat(init.code()).as(init.toString()).isZero();
    CliRunner.Result trust = machine.run("trust", publicKey);
    assertThat(trust.code()).as(trust.toString()).isZero();
    return machine;
  }

  /** The manifest id of {@code version} (a label, a ref), as {@code casfs show} gives it. */
  ObjectId manifestId(String version) {
    CliRunner.Result show = cli.run("show", version);
    assertThat(show.code()).as(show.toString()).isZero();
    return ObjectId.fromString(show.out().lines().filter(l -> l.startsWith("manifest ")).findFirst().orElseThrow()
        .substring("manifest ".length()).strip());
  }
}
