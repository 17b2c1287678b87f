package org.casfs.sync.delta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.ObjectDatabase;
import org.junit.jupiter.api.Assumptions;

/** Imports directories as versions, and finds the real Debian image pair. */
public final class TestVersions {
  private TestVersions() {}

  public static ObjectId importVersion(ObjectDatabase db, Path dir, long sequence) throws IOException {
    return importVersion(db, dir, sequence, null);
  }

  /** Imports {@code dir} as version {@code sequence} of channel "stable" (the default). */
  public static ObjectId importVersion(ObjectDatabase db, Path dir, long sequence, ObjectId parent) throws IOException {
    ImportResult r = new Importer(db).importDirectory(dir, ImportOptions.defaults(), null);
    Manifest m = new Manifest(r.root(), r.rootMeta(), "stable", sequence, "v" + sequence, parent,
        1_700_000_000_000L + sequence);
    return db.writeManifest(m).id();
  }

  /** The corpus directory holding v1 and v2; skips the test when absent. */
  static Path corpus() {
    Path c = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"));
    Assumptions.assumeTrue(Files.isDirectory(c.resolve("v1")) && Files.isDirectory(c.resolve("v2")),
        "the Debian image pair is not built at " + c + " (run ../shared/corpus/make-images.sh)");
    return c;
  }
}
