package org.casfs.tools.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.casfs.tools.CasfsCommand;
import org.casfs.tools.CliException;
import org.casfs.tools.demo.DemoContext;
import org.casfs.tools.demo.DemoStep;
import org.casfs.tools.demo.DemoSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code casfs demo}: shows casfs working on this machine, step by step with timings, in a
 * scratch directory that it removes at the end. The steps are listed in {@link DemoSteps}.
 */
@Command(name = "demo", description = "Show casfs at work on this machine: make a repository, import a real tree"
    + " (a JDK under /usr/lib/jvm), check it out, verify it, and more; step by step with timings. Cleans up.")
public final class DemoCommand extends CasfsCommand {
  @Option(names = "--source", paramLabel = "DIR", description = "the tree to import (default: a JDK under /usr/lib/jvm)")
  Path source;

  @Option(names = "--work", paramLabel = "DIR",
      description = "scratch directory, new or empty (default: a new directory under /var/tmp)")
  Path work;

  @Option(names = "--keep", description = "keep the scratch directory (repository, checkout) at the end")
  boolean keep;

  @Override
  protected void execute() throws Exception {
    Path src = source != null ? source.toAbsolutePath().normalize() : findJdk();
    if (!Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
      throw CliException.usage(src + " is not a directory; give --source DIR");
    }
    Path dir = work != null ? work.toAbsolutePath().normalize() : Files.createTempDirectory(scratchParent(), "casfs-demo-");
    CheckoutCommand.requireAbsentOrEmpty(dir);
    Files.createDirectories(dir);
    PrintWriter out = out();
    DemoContext ctx = new DemoContext(dir, out, casfs().environment());
    ctx.put("source", src);
    List<DemoStep> steps = DemoSteps.all();
    List<String> timings = new ArrayList<>();
    long total = System.nanoTime();
    out.println("casfs demo: working in " + dir + (keep ? " (kept)" : " (removed at the end)"));
    try {
      for (int i = 0; i < steps.size(); i++) {
        DemoStep step = steps.get(i);
        out.println();
        out.println("[" + (i + 1) + "/" + steps.size() + "] " + step.title());
        out.flush();
        long t0 = System.nanoTime();
        step.run(ctx);
        timings.add(String.format(Locale.ROOT, "%8.2f s  %s", (System.nanoTime() - t0) / 1e9, step.title()));
      }
    } finally {
      if (!keep) {
        deleteTree(dir);
      }
    }
    out.println();
    out.println("casfs demo: all " + steps.size() + " steps done in "
        + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - total) / 1e9)
        + (keep ? "; the repository is in " + ctx.repo() : "; scratch directory removed"));
    timings.forEach(out::println);
  }

  private static Path scratchParent() {
    Path varTmp = Path.of("/var/tmp");
    return Files.isDirectory(varTmp) && Files.isWritable(varTmp) ? varTmp : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** The JDK this JVM runs from if it lives under /usr/lib/jvm, else the first one there. */
  static Path findJdk() throws IOException {
    Path jvm = Path.of("/usr/lib/jvm");
    Path home = Path.of(System.getProperty("java.home")).toRealPath();
    if (home.startsWith(jvm) && Files.isExecutable(home.resolve("bin/java"))) {
      return home;
    }
    if (Files.isDirectory(jvm)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(jvm)) {
        for (Path p : s) {
          if (!Files.isSymbolicLink(p) && Files.isExecutable(p.resolve("bin/java"))) {
            return p;
          }
        }
      }
    }
    throw CliException.usage("no JDK found under /usr/lib/jvm; install openjdk-17-jdk-headless or give --source DIR");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (!Files.isSymbolicLink(p)) {
          p.toFile().setWritable(true, true); // loose objects are read-only files
        }
        Files.deleteIfExists(p);
      }
    }
  }
}
