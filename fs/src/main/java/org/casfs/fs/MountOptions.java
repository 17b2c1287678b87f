package org.casfs.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * How a version is mounted. Defaults suit a root image: the kernel checks permissions
 * ({@code default_permissions}) and {@code threads} Java-owned threads serve requests. A writable
 * mount lets the kernel cache attributes and entries for {@code cacheSeconds}; a read-only one
 * ({@link NodeMount}) lets it cache everything for good, because its nodes never change.
 *
 * @param allowOther let users other than the mounter in (needs root or {@code user_allow_other})
 * @param devices honour device nodes ({@code dev}; a chroot needs {@code /dev/null})
 * @param setuid honour setuid bits ({@code suid}; {@code su} and {@code passwd} need it)
 * @param threads request threads; 1 is single-threaded dispatch
 */
public record MountOptions(boolean writable, boolean allowOther, boolean devices, boolean setuid,
    boolean defaultPermissions, double cacheSeconds, int threads, String fsName) {

  public MountOptions {
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("threads must be 1 to 64: " + threads);
    }
    if (cacheSeconds < 0 || cacheSeconds > 1) {
      throw new IllegalArgumentException("cache timeout must be 0 to 1 s, so a switch shows within a second: "
          + cacheSeconds);
    }
    if (fsName == null || fsName.isEmpty() || fsName.contains(",")) {
      throw new IllegalArgumentException("fs name must be non-empty without commas: " + fsName);
    }
  }

  public static MountOptions defaults() {
    return new MountOptions(false, false, false, false, true, 1.0, 8, "casfs");
  }

  public MountOptions withWritable(boolean w) {
    return new MountOptions(w, allowOther, devices, setuid, defaultPermissions, cacheSeconds, threads, fsName);
  }

  /** allow_other, dev and suid together: what booting or chrooting into an image needs. */
  public MountOptions asSystemRoot() {
    return new MountOptions(writable, true, true, true, defaultPermissions, cacheSeconds, threads, fsName);
  }

  public MountOptions withThreads(int n) {
    return new MountOptions(writable, allowOther, devices, setuid, defaultPermissions, cacheSeconds, n, fsName);
  }

  public MountOptions withCacheSeconds(double s) {
    return new MountOptions(writable, allowOther, devices, setuid, defaultPermissions, s, threads, fsName);
  }

  public MountOptions withFsName(String name) {
    return new MountOptions(writable, allowOther, devices, setuid, defaultPermissions, cacheSeconds, threads, name);
  }

  /**
   * The {@code -o} list of a read-only mount served over {@code /dev/fuse} ({@link NodeMount}):
   * only what the kernel and {@code fusermount} take; caching is negotiated per node instead.
   */
  public String kernelOptionString() {
    return String.join(",", kernelOptions("ro"));
  }

  /** The libfuse {@code -o} list of a {@link FuseMount}, with {@code cacheSeconds} as the timeouts. */
  public String fuseOptionString() {
    List<String> o = kernelOptions(writable ? "rw" : "ro");
    o.add("use_ino");
    o.add("readdir_ino");
    o.add("entry_timeout=" + cacheSeconds);
    o.add("attr_timeout=" + cacheSeconds);
    o.add("negative_timeout=" + cacheSeconds);
    if (writable) {
      o.add("big_writes");
      o.add("max_write=131072");
    }
    return String.join(",", o);
  }

  private List<String> kernelOptions(String readWrite) {
    List<String> o = new ArrayList<>();
    o.add(readWrite);
    o.add("fsname=" + fsName);
    o.add("subtype=casfs");
    o.add("max_read=131072");
    if (defaultPermissions) {
      o.add("default_permissions");
    }
    if (allowOther) {
      o.add("allow_other");
    }
    o.add(devices ? "dev" : "nodev");
    o.add(setuid ? "suid" : "nosuid");
    return o;
  }
}
