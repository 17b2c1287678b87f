package org.casfs.tools.command;

import java.nio.file.Path;
import java.util.List;
import org.casfs.fs.MountException;
import org.casfs.fs.MountTable;
import org.casfs.fs.MountUsers;
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
      List<String> users = MountUsers.of(mp, 5);
      throw new CliException(ExitCode.BUSY, e.getMessage() + (users.isEmpty() ? "" : "; it is in use by "
          + String.join(", ", users)) + "; close what is open there (and leave it, in a shell) and retry");
    }
    out().println("unmounted " + mp + (stale ? " (its process had died)" : ""));
  }
}
