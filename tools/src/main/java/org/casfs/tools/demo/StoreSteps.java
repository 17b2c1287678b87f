package org.casfs.tools.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;

/**
 * The store's part of the demo (issue 2): make a repository, import a real tree (a JDK the
 * machine has), import it again (unchanged files are not read), look at the version, check it out,
 * prove the checkout identical to the source with find and sha1sum, run java from it, fsck.
 */
final class StoreSteps {
  /** State keys later steps may use. */
  static final String SOURCE = "source";
  static final String CHECKOUT = "checkout";
  static final String VERSION = "version";

  private StoreSteps() {}

  static List<DemoStep> steps() {
    return List.of(
        DemoStep.of("make a repository", ctx -> ctx.casfs("init", "--channel", "demo")),
        DemoStep.of("import a real tree (a JDK) as a version", StoreSteps::importSource),
        DemoStep.of("import it again: unchanged files are not read", ctx -> {
          ctx.casfs("import", ctx.<Path>get(SOURCE).toString(), "--label", "again");
          ctx.casfs("diff", "first", "again", "--summary");
        }),
        DemoStep.of("look at the versions", ctx -> {
          ctx.casfs("log");
          ctx.casfs("ls", "first", "bin");
          ctx.casfs("show", "first");
        }),
        DemoStep.of("check the version out into an empty directory", ctx -> {
          Path target = ctx.work().resolve("checkout");
          ctx.casfs("checkout", "first", target.toString());
          ctx.put(CHECKOUT, target);
        }),
        DemoStep.of("verify: the checkout equals the source (find listings, sha1sum of every file)",
            StoreSteps::verify),
        DemoStep.of("run a program from the checkout", ctx -> {
          Path java = ctx.<Path>get(CHECKOUT).resolve("bin/java");
          if (Files.isExecutable(java)) {
            ctx.sh(java.toString(), "-version");
          } else {
            ctx.say("(the imported tree has no bin/java; skipped)");
          }
        }),
        DemoStep.of("check every object and reference", ctx -> ctx.casfs("fsck")));
  }

  private static void importSource(DemoContext ctx) throws Exception {
    Path source = ctx.<Path>get(SOURCE);
    ctx.say("source: " + source + " (" + countFiles(source) + " paths)");
    String out = ctx.casfs("import", source.toString(), "--label", "first", "--switch");
    String id = out.lines().filter(l -> l.startsWith("version ")).findFirst().orElseThrow().split("\\s+")[1];
    ctx.put(VERSION, id);
  }

  private static long countFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.count();
    }
  }

  /** The listings of the acceptance test, compared between source and checkout. */
  private static void verify(DemoContext ctx) throws Exception {
    Path source = ctx.get(SOURCE);
    Path checkout = ctx.get(CHECKOUT);
    String[][] checks = {
        {"types, modes, owners, sizes, mtimes (ns), symlink targets, link counts of non-directories",
            "find . ! -type d -printf '%y %m %U %G %s %T@ %l %n %P\\n' | LC_ALL=C sort"},
        {"modes, owners and mtimes of directories", "find . -type d -printf '%m %U %G %T@ %P\\n' | LC_ALL=C sort"},
        {"sha1sum of every regular file", "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha1sum"},
        {"extended attributes (getfattr)",
            "if command -v getfattr >/dev/null; then find . -print0 | LC_ALL=C sort -z"
                + " | xargs -0 -r getfattr -h -d -m - 2>/dev/null; else echo no-getfattr; fi"},
    };
    for (String[] check : checks) {
      String a = inDir(ctx, source, check[1]);
      String b = inDir(ctx, checkout, check[1]);
      if (!a.equals(b)) {
        throw new CliException(ExitCode.VERIFICATION, "demo: the checkout differs from the source in "
            + check[0] + ", first at: " + firstDifference(a, b) + "; this is a bug in casfs, please report it");
      }
      ctx.say("identical: " + check[0] + " (" + a.lines().count() + " lines)");
    }
  }

  private static String inDir(DemoContext ctx, Path dir, String script) throws Exception {
    return ctx.sh(List.of("bash", "-c", "set -o pipefail; cd \"$1\" && " + script, "casfs-demo", dir.toString()), false);
  }

  private static String firstDifference(String a, String b) {
    List<String> x = a.lines().toList();
    List<String> y = b.lines().toList();
    for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
      String l = i < x.size() ? x.get(i) : "(end)";
      String r = i < y.size() ? y.get(i) : "(end)";
      if (!l.equals(r)) {
        return "source '" + l + "' vs checkout '" + r + "'";
      }
    }
    return "(none)";
  }
}
