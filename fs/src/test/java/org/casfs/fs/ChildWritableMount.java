package org.casfs.fs;

import java.nio.file.Path;
import org.casfs.cas.store.Repository;
import org.casfs.txn.Versions;

/**
 * A writable mount in a child JVM, for kill tests: opens the repository {@code args[0]}, mounts its
 * open transaction (or a new one on {@code current}) writable at {@code args[1]} with no kernel
 * attribute cache, prints MOUNTED and serves until it is killed or the mount ends.
 */
public final class ChildWritableMount {
  private ChildWritableMount() {}

  public static void main(String[] args) throws Exception {
    Repository repo = Repository.open(Path.of(args[0]));
    ImageMount mount = ImageMount.start(Versions.of(repo), Path.of(args[1]), null,
        MountOptions.defaults().withWritable(true).withCacheSeconds(0), System.err::println);
    System.out.println("MOUNTED");
    System.out.flush();
    mount.awaitUnmounted();
    mount.close();
    repo.close();
  }
}
