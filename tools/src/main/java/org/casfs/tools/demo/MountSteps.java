package org.casfs.tools.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.casfs.fs.MountTable;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.daemon.ControlServer;

/**
 * The filesystem's part of the demo (issue 4): make a changed copy of the imported tree, then
 * mount the version through FUSE (a {@code casfs mount} child process), run a program from the
 * mount, import the copy as a second version while the mount owns the repository (the commands
 * reach it through its control socket), switch and watch the mount follow, roll back, unmount.
 * The mount is unmounted and its process stopped in {@code finally}, whatever failed.
 */
final class MountSteps {
  private static final String COPY = "changedCopy";
  private static final String CHANGED_FILE = "changedFile";
  private static final long FOLLOW_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private MountSteps() {}

  static List<DemoStep> steps() {
    return List.of(
        DemoStep.of("make a changed copy of the tree (hardlinks, one file replaced)", MountSteps::changedCopy),
        DemoStep.of("mount the version (FUSE), run a program from it, import and switch to a second version,"
            + " watch the mount follow, roll back, unmount", MountSteps::mountAndFollow));
  }

  private static void changedCopy(DemoContext ctx) throws Exception {
    Path copy = ctx.changedCopy("changed", "casfs-demo.txt", "the second version");
    ctx.put(COPY, copy);
    ctx.put(CHANGED_FILE, DemoContext.changedFileName(ctx.get(StoreSteps.SOURCE), "casfs-demo.txt"));
  }

  private static void mountAndFollow(DemoContext ctx) throws Exception {
    Path mnt = Files.createDirectories(ctx.work().resolve("mnt"));
    Path log = ctx.work().resolve("mount.log");
    String file = ctx.get(CHANGED_FILE);
    ctx.say("$ casfs mount " + mnt + "   (in the background; it owns the repository while it runs)");
    long t0 = System.nanoTime();
    Process mount = startMount(ctx, mnt, log);
    try {
      ctx.say(String.format(Locale.ROOT, "mounted in %.2f s: %s", (System.nanoTime() - t0) / 1e9,
          Files.readString(log).lines().filter(l -> l.startsWith("mounted ")).findFirst().orElse("")));
      ctx.sh("ls", "-l", mnt.toString());
      Path java = mnt.resolve("bin/java");
      if (Files.isExecutable(java)) {
        ctx.say("run the JDK from the mount:");
        ctx.sh(java.toString(), "-version");
      } else {
        ctx.say("(the imported tree has no bin/java; skipped running a program from it)");
      }
      ctx.say("these commands run inside the mount process, through " + ctx.repo().resolve(ControlServer.SOCKET) + ":");
      ctx.casfs("status");
      String out = ctx.casfs("import", ctx.<Path>get(COPY).toString(), "--label", "second");
      String second = out.lines().filter(l -> l.startsWith("version ")).findFirst().orElseThrow().split("\\s+")[1];
      ctx.casfs("diff", "first", "second", "--summary");
      String before = show(mnt.resolve(file));
      ctx.casfs("switch", "second");
      follow(ctx, mnt.resolve(file), before, "after the switch, the mount shows the second version's");
      String switched = show(mnt.resolve(file));
      ctx.casfs("rollback");
      follow(ctx, mnt.resolve(file), switched, "after the rollback, the mount shows the first version's");
      ctx.casfs("history");
      ctx.put("second", second);
    } finally {
      stopMount(ctx, mount, mnt, log);
    }
  }

  /** Starts {@code casfs mount} as a child JVM like the launcher does; returns once its socket answers. */
  private static Process startMount(DemoContext ctx, Path mnt, Path log) throws Exception {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-Xms16m", "-Xmx256m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "org.casfs.tools.Casfs", "mount", mnt.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("CASFS_REPO", ctx.repo().toString());
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Path socket = ctx.repo().resolve(ControlServer.SOCKET);
    try {
      while (!(Files.readString(log).contains("mounted ") && Files.exists(socket))) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new CliException(ExitCode.IO, "demo: 'casfs mount " + mnt + "' did not come up: "
              + Files.readString(log).strip().replace('\n', ' '));
        }
        Thread.sleep(50);
      }
    } catch (Exception e) {
      stopMount(ctx, p, mnt, log);
      throw e;
    }
    return p;
  }

  /** Unmounts (the mount process then exits); kills only our own child if it does not. */
  private static void stopMount(DemoContext ctx, Process p, Path mnt, Path log) throws Exception {
    try {
      if (MountTable.typeAtOrNull(mnt) != null) {
        ctx.casfs("umount", mnt.toString());
      }
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        ctx.say("the mount process did not exit within 20 s; stopping it");
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      if (MountTable.typeAtOrNull(mnt) != null) {
        MountTable.fusermountUnmount(mnt, true);
      }
    }
    ctx.say("mount process exited (" + (p.isAlive() ? "still running" : "exit " + p.exitValue()) + "); control socket "
        + (Files.exists(ctx.repo().resolve(ControlServer.SOCKET)) ? "still there" : "removed"));
  }

  /** Waits until the mount shows a different content of {@code file} and says how long it took. */
  private static void follow(DemoContext ctx, Path file, String before, String when) throws Exception {
    long t0 = System.nanoTime();
    String now = show(file);
    while (now.equals(before) && System.nanoTime() - t0 < FOLLOW_LIMIT_NANOS) {
      Thread.sleep(20);
      now = show(file);
    }
    if (now.equals(before)) {
      throw new CliException(ExitCode.VERIFICATION, "demo: 5 s " + when.replace(", the mount shows", " the mount does not show")
          + " " + file.getFileName() + "; this is a bug in casfs, please report it");
    }
    ctx.say(String.format(Locale.ROOT, "%s %s within %.2f s; its last line: %s", when,
        file.getFileName(), (System.nanoTime() - t0) / 1e9, lastLine(now)));
  }

  private static String show(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (java.nio.file.NoSuchFileException e) {
      return "(absent)";
    }
  }

  private static String lastLine(String s) {
    List<String> lines = s.lines().toList();
    return lines.isEmpty() ? "(empty)" : lines.get(lines.size() - 1);
  }
}
