package org.casfs.tools.command;

import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.fs.ImageMount;
import org.casfs.fs.MountException;
import org.casfs.fs.MountOptions;
import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.ControlServer;
import org.casfs.tools.daemon.HeldRepository;
import org.casfs.sync.peer.Peer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs mount MOUNTPOINT [--version V] [--writable] [--peer ...]}: presents a version as a filesystem and
 * stays in the foreground until unmounted ({@code casfs umount}, Ctrl-C or SIGTERM unmount
 * cleanly). Without {@code --version} the mount follows {@code current}: a switch shows within a
 * second. With {@code --writable} every change goes into the repository's durable transaction (opened
 * on the version if none is open). This process owns the repository while it runs and carries out other {@code casfs} commands on it,
 * sent through its control socket ({@link ControlServer}). With {@code --peer} it also runs the peer
 * daemon ({@link PeerCommand}), so a laptop needs one process for both.
 */
@Command(name = "mount", description = "Mount a version at MOUNTPOINT (read-only, following 'current' unless --version;"
    + " --writable: into the open transaction);"
    + " runs until 'casfs umount MOUNTPOINT' or Ctrl-C.")
public final class MountCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "an existing empty directory")
  Path mountPoint;

  @Option(names = "--version", paramLabel = "V", description = "pin this version instead of following 'current'")
  String version;

  @Option(names = "--writable", description = "send every change into the repository's transaction"
      + " (durable; 'casfs commit' makes it a version, 'casfs abort' drops it)")
  boolean writable;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "8",
      description = "request threads (1 = single-threaded dispatch; default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--private", description = "only the mounting user sees the mount; device nodes and setuid bits"
      + " are ignored (default as root: allow_other, dev, suid, as a system root needs)")
  boolean privateMount;

  @Option(names = "--peer", description = "also run the peer daemon in this process (serve, discover, pull;"
      + " the peer options below apply), so one process owns the repository")
  boolean peer;

  @Mixin
  PeerOptions peerOptions;

  @Override
  protected void execute() throws Exception {
    MountOptions options = MountOptions.defaults().withThreads(threads).withWritable(writable);
    if (!privateMount && "root".equals(System.getProperty("user.name"))) {
      options = options.asSystemRoot();
    }
    try (OpenRepo open = open()) {
      ObjectId pinned = version == null ? null : open.resolve(version);
      ImageMount mount;
      try {
        mount = ImageMount.start(open.txn(), mountPoint, pinned, options, this::log);
      } catch (MountException e) {
        throw CliException.usage(e.getMessage());
      }
      try (mount; ControlServer control = ControlServer.startOrWarn(open,
          "casfs mount (pid " + ProcessHandle.current().pid() + ") at " + mount.fuse().mountPoint(), this::log);
          Peer daemon = peer ? peerOptions.start(open, control, this::log) : null) {
        String mode = writable ? "writable: changes go to transaction " + mount.transaction().id()
            : "read-only, " + (mount.following() ? "following current" : "pinned");
        out().println("mounted " + mount.shown().name() + " at " + mount.fuse().mountPoint() + " (" + mode
            + "); stop with 'casfs umount " + mount.fuse().mountPoint() + "' or Ctrl-C");
        out().flush();
        HeldRepository.keepInUse(mount::objectsInUse); // gc through the socket keeps what is shown and open
        if (daemon != null) {
          mount.onDamagedObject(daemon::reportDamaged); // a file found damaged is fetched again from neighbours
        }
        mount.awaitUnmounted();
      }
    }
  }
}
