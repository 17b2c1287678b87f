package org.casfs.cas.check;

import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.store.Repository;

/** A child process for {@link DatabaseSalvageTest}: salvages the repository's database (to be killed). */
public final class SalvageRunner {
  private SalvageRunner() {}

  public static void main(String[] args) throws Exception {
    Repository.preloadNativeLibraries();
    System.out.println("start");
    System.out.flush();
    Repository.salvage(Path.of(args[0]), List.of()).lines().forEach(System.out::println);
  }
}
