package org.casfs.txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;

/** Helpers shared by txn tests (and, through the test-jar, by fs and sync tests). */
public final class TestRepos {
  private TestRepos() {
  }

  /** A fresh repository in {@code dir}/repo. */
  public static Repository init(Path dir) throws IOException {
    return Repository.init(dir.resolve("repo"), RepoConfig.defaults());
  }

  /** Commits a version made of {@code files} (path, content pairs) on {@code base}. */
  public static ObjectId commit(Versions v, ObjectId base, String label, String... pathsAndContents) throws Exception {
    Transaction t = v.transactions().begin(base);
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      String path = pathsAndContents[i];
      mkdirs(t, parentOf(path));
      if (t.lookupOrNull(path) == null) {
        t.createFile(path, 0644, 0, 0);
      }
      t.truncate(path, 0);
      t.write(path, 0, ByteBuffer.wrap(pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return t.commit(label).manifest();
  }

  public static void mkdirs(Transaction t, String dir) throws IOException {
    if (dir.isEmpty() || dir.equals("/")) {
      return;
    }
    if (t.lookupOrNull(dir) == null) {
      mkdirs(t, parentOf(dir));
      t.mkdir(dir, 0755, 0, 0);
    }
  }

  static String parentOf(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  /** The whole content of a file inside a transaction. */
  public static String read(Transaction t, String path) throws IOException {
    Stat s = t.getattr(path);
    ByteBuffer b = ByteBuffer.allocate((int) s.size());
    while (b.hasRemaining()) {
      if (t.read(path, b.position(), b) == 0) {
        break;
      }
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }
}
