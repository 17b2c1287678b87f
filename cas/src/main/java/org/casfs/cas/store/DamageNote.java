package org.casfs.cas.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code REPO/db-damaged}: written when the repository's database reports damage, so that the
 * damage outlives the process that met it (a read through a mount, a scrub, a command) and the
 * next daemon to start salvages the database first ({@link Repository#salvage} removes the note).
 * Its one line says when and what. Best effort: a note that cannot be written is not a second
 * failure. Stateless.
 */
final class DamageNote {
  static final String FILE = "db-damaged";

  private DamageNote() {}

  static void write(Path repoDir, String what) {
    Path note = repoDir.resolve(FILE);
    if (Files.exists(note)) {
      return; // the first damage met is the one worth keeping
    }
    try {
      Files.writeString(note, Instant.now() + " " + what.replace('\n', ' ') + "\n", StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      // a read-only or full disk: the damage is reported where it was met, as before
    }
  }

  /** The note's line, or null if the database was not noted as damaged. */
  static String readOrNull(Path repoDir) {
    try {
      return Files.readString(repoDir.resolve(FILE), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    }
  }

  static void clear(Path repoDir) throws IOException {
    Files.deleteIfExists(repoDir.resolve(FILE));
  }
}
