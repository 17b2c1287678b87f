package org.casfs.tools.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.cas.io.Checkout;
import org.casfs.cas.io.CheckoutResult;
import org.casfs.cas.io.PartialCheckoutException;
import org.casfs.cas.store.Snapshot;
import org.casfs.tools.CliException;
import org.casfs.tools.ErrorReporter;
import org.casfs.tools.ExitCode;
import org.casfs.tools.Format;
import org.casfs.tools.ImportProgress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.ShutdownInterrupts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs checkout VERSION DIR}: writes a version into a new or empty directory, exactly
 * (as root: owners, devices, xattrs, hardlinks). A damaged blob stops it with the object and path
 * named; no file ever holds a wrong byte. A checkout that stops is undone: the target is left as
 * it was.
 */
@Command(name = "checkout", description = "Write a version into DIR (absent or empty), exactly.")
public final class CheckoutCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "VERSION", description = "id, unique id prefix, label or ref")
  String version;

  @Parameters(index = "1", paramLabel = "DIR", description = "the target directory: absent or empty")
  Path target;

  @Override
  protected void execute() throws Exception {
    // DIR as the shell's tools read it: a symlink to a directory is followed (the checkout goes into
    // the directory it names) and '..' is taken after it, not by simplifying the text.
    Path dir = LocalPaths.resolved(target);
    requireAbsentOrEmpty(dir);
    try (OpenRepo open = open()) {
      ObjectId id = open.resolve(version);
      Snapshot snap = Snapshot.open(open.repo().objectDatabase(), id);
      long start = System.nanoTime();
      CheckoutResult r;
      try (ShutdownInterrupts signals = ShutdownInterrupts.interruptingThisThread();
          Progress bar = progress("checkout", -1, "MiB")) {
        r = new Checkout(open.repo().objectDatabase()).checkout(snap, dir, ImportProgress.of(bar));
      } catch (IOException | UncheckedIOException e) {
        throw stopped(e);
      }
      out().println("checked out " + id.name() + " into " + dir + ": " + r.entries() + " entries, " + r.files()
          + " files, " + Sizes.bytes(r.bytes()) + ", " + r.hardlinks() + " hardlinks in "
          + Format.seconds(System.nanoTime() - start));
    }
  }

  /** A failed checkout, told with what it left in the target: nothing, or a partial tree. */
  private CliException stopped(Exception e) {
    ExitCode code = ExitCode.of(e);
    String left = "checkout of " + version + " stopped and was undone (" + target + " is as it was)";
    for (Throwable s : e.getSuppressed()) {
      if (s instanceof PartialCheckoutException partial) {
        left = "checkout of " + version + " stopped; " + partial.getMessage() + "; remove it";
      }
    }
    return new CliException(code, left + ": " + ErrorReporter.describe(e, code), e);
  }

  static void requireAbsentOrEmpty(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isSymbolicLink(dir)) { // one whose target does not exist: followed, it would be
      throw CliException.usage("checkout target " + dir + " is a symbolic link to " + Files.readSymbolicLink(dir)
          + ", which does not exist; give a new or empty directory");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw CliException.usage("checkout target " + dir + " exists and is not a directory"
          + "; give a new or empty directory");
    }
    try (Stream<Path> s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw CliException.usage("checkout target " + dir + (Checkout.isStoppedCheckout(dir)
            ? " " + Checkout.stoppedCheckoutAdvice(dir) : " is not empty; give a new or empty directory")
            + " (nothing was written)");
      }
    }
  }
}
