package org.casfs.cas.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;

/** A child process for {@link GcTest}: runs gc on a repository with the given roots (to be killed). */
public final class GcRunner {
  private GcRunner() {}

  public static void main(String[] args) throws Exception {
    List<ObjectId> roots = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      roots.add(ObjectId.fromString(args[i]));
    }
    try (Repository repo = Repository.open(Path.of(args[0]))) {
      System.out.println("open");
      System.out.flush();
      GcReport r = new Gc(repo.objects()).run(roots);
      System.out.println(r.summary());
    }
  }
}
