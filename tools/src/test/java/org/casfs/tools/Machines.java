package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** The machines of the command-line tests that pass versions around: laptops and tiny images. */
final class Machines {
  private Machines() {}

  /** A new repository at {@code dir} that trusts the origin key line {@code pub}. */
  static CliRunner laptop(Path dir, String pub) {
    CliRunner laptop = CliRunner.forRepo(dir);
    assertThat(laptop.run("init").code()).isZero();
    assertThat(laptop.run("trust", pub).code()).isZero();
    return laptop;
  }

  /** An image of one file, {@code /hello}, saying "hello NAME", under {@code parent/NAME}. */
  static Path helloImage(Path parent, String name) throws Exception {
    Path d = Files.createDirectories(parent.resolve(name));
    Files.writeString(d.resolve("hello"), "hello " + name + "\n");
    return d;
  }
}
