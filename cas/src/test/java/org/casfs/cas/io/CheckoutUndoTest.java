package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.posix.PosixException;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A checkout that fails part way removes all it wrote: here a real tmpfs too small for the
 * version fills up while the tree with every file type and metadata case is half written.
 */
class CheckoutUndoTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-undo");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  @Test
  void aCheckoutThatFillsTheDiskLeavesTheTargetAsItWas() throws Exception {
    Path src = work.resolve("src");
    TestTrees.everyCase(src);
    // Large files in several directories, so that the disk fills while other files, directories
    // with their final modes, links and special files are already written.
    TestTrees.at(src).dir("z").dir("z/late").chmod("z/late", 0555);
    for (int i = 0; i < 6; i++) {
      TestTrees.at(src).randomFile("big-" + i, 700_000, i).randomFile("z/big-" + i, 700_000, 10 + i);
    }
    try (Tmpfs disk = Tmpfs.mount(work.resolve("small"), "size=2m");
        Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      Path small = disk.dir();
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      Checkout checkout = new Checkout(repo.objectDatabase());

      Path absent = small.resolve("new/nested/target");
      Throwable failed = catchThrowable(() -> checkout.checkout(r.root(), r.rootMeta(), absent, null));
      assertThat(failed).isInstanceOf(PosixException.class);
      assertThat(((PosixException) failed).errno()).as(failed.toString()).isEqualTo(28); // ENOSPC
      assertThat(failed.getMessage()).as("names the file it was writing, not a temporary one")
          .contains(absent.toString()).doesNotContain(".casfs-checkout");
      assertThat(failed.getSuppressed()).as("the undo worked").noneMatch(PartialCheckoutException.class::isInstance);
      assertThat(TestTrees.names(small)).as("the directories it made for the target are gone too").isEmpty();

      Path empty = small.resolve("empty");
      Files.createDirectory(empty);
      var mode = Files.getPosixFilePermissions(empty);
      failed = catchThrowable(() -> checkout.checkout(r.root(), r.rootMeta(), empty, null));
      assertThat(failed).isInstanceOf(PosixException.class);
      assertThat(TestTrees.names(small)).containsExactly("empty");
      assertThat(TestTrees.names(empty)).isEmpty();
      assertThat(Files.getPosixFilePermissions(empty)).as("its own mode untouched").isEqualTo(mode);
    }
  }

  /** The undo never enters a file system mounted into the partial tree (a bind mount of /home). */
  @Test
  void theUndoLeavesAFileSystemMountedIntoTheTreeAlone() throws Exception {
    Path tree = work.resolve("partial");
    Files.createDirectories(tree.resolve("home"));
    Files.writeString(tree.resolve("written"), "by the checkout");
    try (Tmpfs home = Tmpfs.mount(tree.resolve("home"), "size=1m")) {
      Files.writeString(home.dir().resolve("precious"), "someone's");
      byte[] top = org.casfs.cas.posix.Posix.bytes(tree);
      Throwable failed = catchThrowable(() -> TreeRemoval.remove(top, org.casfs.cas.posix.Posix.lstat(top).dev()));
      assertThat(failed).isInstanceOf(IOException.class).hasMessageContaining(home.dir() + " is on another file system");
      assertThat(Files.readString(home.dir().resolve("precious"))).isEqualTo("someone's");
    }
  }
}
