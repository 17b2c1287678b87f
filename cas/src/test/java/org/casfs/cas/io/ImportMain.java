package org.casfs.cas.io;

import java.io.IOException;
import java.nio.file.Path;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;

/**
 * {@code ImportMain REPO DIR [INLINE_THRESHOLD]}: imports DIR into REPO (created if absent) with
 * the stat cache, prints the root id and counts; an error is one line on stderr and exit 1.
 * For tests that need a separate process (e.g. one without root's file capabilities) and for
 * benchmarks of the importer alone.
 */
public final class ImportMain {
  private ImportMain() {}

  public static void main(String[] args) throws Exception {
    Path repoDir = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    RepoConfig config = RepoConfig.defaults();
    if (args.length > 2) {
      config = config.withInlineThreshold(Integer.parseInt(args[2]));
    }
    try (Repository repo = Repository.isRepository(repoDir) ? Repository.open(repoDir)
        : Repository.init(repoDir, config)) {
      long start = System.nanoTime();
      ImportResult r = new Importer(repo.objectDatabase())
          .importDirectory(dir, ImportOptions.defaults().withStatCache(repo.kv()), null);
      repo.flush();
      System.out.printf("root %s entries %d files %d bytes %d new %d reused %d read %d in %.3f s%n",
          r.root().id(), r.entries(), r.files(), r.bytes(), r.newObjects(), r.reusedObjects(), r.filesRead(),
          (System.nanoTime() - start) / 1e9);
    } catch (IOException e) {
      System.err.println("import failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
