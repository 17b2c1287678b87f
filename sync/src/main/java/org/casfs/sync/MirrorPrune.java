package org.casfs.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.sync.wire.StaticPaths;

/**
 * What a mirror folder holds that the versions it serves no longer need: objects and signatures
 * of older versions, deltas to them, files in places no client looks (the flat layout of earlier
 * mirrors) and temporary files an interrupted run left. A USB stick that is mirrored to every
 * month would otherwise fill up with every version since the first. Only names casfs writes are
 * touched; anything else in the folder stays. Stateless.
 */
final class MirrorPrune {
  private MirrorPrune() {}

  /** What a prune removed. */
  record Freed(long files, long bytes) {
    Freed plus(Freed o) {
      return new Freed(files + o.files, bytes + o.bytes);
    }
  }

  /** Bytes (in whole blocks of {@code block}) that {@link #prune} with {@code keep} would free. */
  static long reclaimable(Path dir, Set<ObjectId> keep, long block) throws IOException {
    long bytes = 0;
    for (Path f : unneeded(dir, keep)) {
      bytes += (sizeOrZero(f) + block - 1) / block * block;
    }
    return bytes;
  }

  /** Removes the objects, deltas and signatures that no version in {@code keep} needs. */
  static Freed prune(Path dir, Set<ObjectId> keep) throws IOException {
    long files = 0;
    long bytes = 0;
    for (Path f : unneeded(dir, keep)) {
      long size = sizeOrZero(f);
      if (Files.deleteIfExists(f)) {
        files++;
        bytes += size;
      }
    }
    return new Freed(files, bytes);
  }

  private static List<Path> unneeded(Path dir, Set<ObjectId> keep) throws IOException {
    List<Path> objects = files(dir.resolve(StaticPaths.OBJECTS), 2).filter(f -> {
      String name = f.getFileName().toString();
      if (MirrorFiles.isTemporary(name)) {
        return true;
      }
      return ObjectId.isValid(name) && !(keep.contains(ObjectId.fromString(name)) && inItsFolder(f, name));
    }).toList();
    List<Path> deltas = files(dir.resolve(StaticPaths.DELTAS), 2).filter(f -> {
      String name = f.getFileName().toString();
      if (MirrorFiles.isTemporary(name)) {
        return true;
      }
      StaticPaths.DeltaName delta = StaticPaths.DeltaName.parseOrNull(name);
      return delta != null && !(keep.contains(delta.to()) && inItsFolder(f, name));
    }).toList();
    List<Path> signatures = files(dir.resolve("v1/manifests"), 1).filter(f -> {
      String name = f.getFileName().toString();
      if (MirrorFiles.isTemporary(name)) {
        return true;
      }
      String id = name.endsWith(".sig") ? name.substring(0, name.length() - 4) : "";
      return ObjectId.isValid(id) && !keep.contains(ObjectId.fromString(id));
    }).toList();
    return Stream.of(objects, deltas, signatures).flatMap(List::stream).toList();
  }

  /** Where {@link StaticPaths} puts a file of this name: the folder of its first two characters. */
  private static boolean inItsFolder(Path f, String name) {
    return f.getParent().getFileName().toString().equals(name.substring(0, 2));
  }

  private static Stream<Path> files(Path dir, int depth) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    try (Stream<Path> s = Files.walk(dir, depth)) {
      return s.filter(Files::isRegularFile).toList().stream();
    }
  }

  private static long sizeOrZero(Path f) throws IOException {
    try {
      return Files.size(f);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
