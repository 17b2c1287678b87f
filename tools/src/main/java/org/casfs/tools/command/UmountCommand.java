package org.casfs.tools.command;

import java.nio.file.Path;
import org.casfs.fs.MountException;
import org.casfs.fs.MountTable;
import org.casfs.tools.CasfsCommand;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code casfs umount MOUNTPOINT}: unmounts a casfs mount; its process then exits. */
@Command(name = "umount", description = "Unmount a casfs mount (its 'casfs mount' process then exits).")
public final class UmountCommand extends CasfsCommand {
  @Parameters(index = "0", paramLabel = "MOUNTPOINT")
  Path mountPoint;

  @Override
  protected void execute() throws Exception {
    Path mp = mountPoint.toAbsolutePath().normalize();
    String type = MountTable.typeAtOrNull(mp);
    if (type == null) {
      throw CliException.usage(mp + " is not mounted");
    }
    if (!type.equals("fuse.casfs")) {
      throw CliException.usage(mp + " is a " + type + " mount, not casfs; use umount(8)");
    }
    boolean stale = MountTable.isStale(mp);
    try {
      MountTable.fusermountUnmount(mp, stale);
    } catch (MountException e) {
      throw new CliException(ExitCode.BUSY, e.getMessage() + " (files are open there: close them and retry)");
    }
    out().println("unmounted " + mp + (stale ? " (its process had died)" : ""));
  }
}
