package org.casfs.sync.wire;

import org.casfs.cas.ObjectId;

/**
 * Where objects and deltas live below a source's base: the paths a server answers and the files
 * {@code casfs mirror} writes for nginx, a CDN or a USB stick.
 *
 * <pre>
 * v1/objects/ab/ab12…            an object, in the folder named by the first two digits of its id
 * v1/deltas/ab/ab12…-cd34…       a delta from old to new, in the folder of the old id's first two digits
 * </pre>
 *
 * Fanned out because of USB sticks: FAT32, the file system most sticks come with, holds at most
 * 65,536 entries in a directory and a name of 40 digits takes five of them, so one flat folder
 * takes at most 13,107 objects (Linux then says "No space left on device"), and a desktop image
 * has well over 100,000. In 256 folders a stick takes 3.3 million objects. Stateless.
 */
public final class StaticPaths {
  private StaticPaths() {}

  public static final String OBJECTS = "v1/objects";
  public static final String DELTAS = "v1/deltas";

  /** {@code v1/objects/ab/ab12…}. */
  public static String object(ObjectId id) {
    return OBJECTS + "/" + fannedOut(id.name());
  }

  /** {@code v1/deltas/ab/ab12…-cd34…}. */
  public static String delta(ObjectId oldBlob, ObjectId newBlob) {
    return DELTAS + "/" + fannedOut(deltaName(oldBlob, newBlob));
  }

  /** A delta's file name, {@code {old}-{new}}. */
  public static String deltaName(ObjectId oldBlob, ObjectId newBlob) {
    return oldBlob.name() + "-" + newBlob.name();
  }

  /** The two objects a delta's name {@code {old}-{new}} names. */
  public record DeltaName(ObjectId from, ObjectId to) {
    /** The objects {@code name} names, or null if it is no delta's name. */
    public static DeltaName parseOrNull(String name) {
      int dash = name == null ? -1 : name.indexOf('-');
      return dash > 0 && ObjectId.isValid(name.substring(0, dash)) && ObjectId.isValid(name.substring(dash + 1))
          ? new DeltaName(ObjectId.fromString(name.substring(0, dash)), ObjectId.fromString(name.substring(dash + 1)))
          : null;
    }
  }

  /** {@code name} under the folder of its first two characters. */
  public static String fannedOut(String name) {
    return name.substring(0, 2) + "/" + name;
  }

  /**
   * The name in a request path ({@code /v1/objects/ab/ab12…}) below {@code folder} ({@link
   * #OBJECTS} or {@link #DELTAS}), or null if the path is not below it or its fan-out folder is
   * not the name's first two characters. The flat form ({@code /v1/objects/ab12…}) of earlier
   * layouts is accepted too.
   */
  public static String nameOrNull(String path, String folder) {
    String prefix = "/" + folder + "/";
    return path.startsWith(prefix) ? nameOrNull(path.substring(prefix.length())) : null;
  }

  /** {@link #nameOrNull(String, String)} of what follows the folder: {@code ab/ab12…} or {@code ab12…}. */
  public static String nameOrNull(String below) {
    int slash = below.indexOf('/');
    if (slash < 0) {
      return below;
    }
    String name = below.substring(slash + 1);
    return slash == 2 && name.length() > 2 && name.startsWith(below.substring(0, 2)) ? name : null;
  }
}
