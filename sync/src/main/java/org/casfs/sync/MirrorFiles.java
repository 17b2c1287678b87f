package org.casfs.sync;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.VerifyingInputStream;

/**
 * The files of a mirror folder: whether an object there is whole, and writes whose failures name
 * the file (a full USB stick says "No space left on device" and nothing more). Stateless.
 */
public final class MirrorFiles {
  private MirrorFiles() {}

  /**
   * Whether {@code file} holds the object: a regular file of its size and, with {@code verify},
   * bytes that hash to its SHA-1 and SHA-256. A file that cannot be read is not whole.
   */
  public static boolean isWhole(Path file, ObjectInfo object, boolean verify) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!a.isRegularFile() || a.size() != object.size()) {
      return false;
    }
    if (!verify) {
      return true;
    }
    try (InputStream in = new VerifyingInputStream(Files.newInputStream(file), object.id(), object.sha256(),
        object.size())) {
      in.transferTo(OutputStream.nullOutputStream());
      return true;
    } catch (IOException e) {
      return false; // corrupt or unreadable: rewritten (the new file gets new blocks)
    }
  }

  /**
   * Creates {@code file} anew. What a stick from elsewhere has at its name goes first, and the
   * file is created exclusively, never through a link: a symbolic link there to a file of the
   * machine would otherwise be written through, a FIFO there would hold the open for ever.
   */
  private static OutputStream create(Path file) throws IOException {
    try {
      Files.deleteIfExists(file);
      return Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw failed(e, file);
    }
  }

  private static void write(OutputStream out, byte[] buf, int count, Path file) throws IOException {
    try {
      out.write(buf, 0, count);
    } catch (IOException e) {
      throw failed(e, file);
    }
  }

  /**
   * Makes {@code folder} (and the folders above it), refusing a symbolic link in its place: one on
   * a stick from elsewhere could lead out of the mirror, and the mirror would write there.
   */
  public static void createFolder(Path folder) throws IOException {
    Files.createDirectories(folder);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(folder.toAbsolutePath() + " is a symbolic link, not a folder 'casfs mirror' writes;"
          + " remove it, then run 'casfs mirror' again");
    }
  }

  private static final String TEMP_SUFFIX = ".tmp";

  /** True for the temporary names ({@code .NAME.tmp}) files are written under before their rename. */
  public static boolean isTemporary(String name) {
    return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
  }

  /** Writes {@code bytes} under a temporary name, then renames it to {@code target}. */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    copyAtomically(new ByteArrayInputStream(bytes), target);
  }

  /**
   * Copies {@code in} to a temporary name beside {@code target}, then renames it to {@code target};
   * on failure the temporary file is removed. Returns the bytes copied.
   */
  public static long copyAtomically(InputStream in, Path target) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + TEMP_SUFFIX);
    long copied = 0;
    try (OutputStream out = create(tmp)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; copied += n) {
        write(out, buf, n, tmp);
      }
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return copied;
  }

  private static IOException failed(IOException e, Path file) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return e; // names its file already
    }
    return new IOException("write " + file.toAbsolutePath() + ": " + e.getMessage()
        + "; free space on the mirror's disk or check it, then run 'casfs mirror' again to go on", e);
  }
}
