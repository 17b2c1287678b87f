package org.casfs.tools.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * A build step (tools/pom.xml, package phase): rewrites the Java 5 class files of the launcher's
 * libraries (picocli, ASM, jnr-x86asm) as Java 8 class files with stack map frames. JDK 17's
 * class-data sharing never archives a class file older than version 50, so the launcher's
 * archives left these ~330 classes to be found, parsed and verified from their jars at every
 * start: ~0.08 s of wall time and ~0.18 s of CPU of each command (docs/BENCHMARKS.md). Only the
 * version and the frames change; the code is the same. Signed jars and jars with no old class
 * are left alone; a second run changes nothing.
 *
 * <pre>java -cp ... org.casfs.tools.build.ClassFileUpgrade LIB_DIR</pre>
 */
public final class ClassFileUpgrade {
  /** The first class-file version that the split verifier and class-data sharing take. */
  static final int MIN_VERSION = Opcodes.V1_6;
  private static final int TARGET_VERSION = Opcodes.V1_8;

  private ClassFileUpgrade() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ClassFileUpgrade LIB_DIR");
      System.exit(2);
    }
    for (Path jar : upgradeAll(Path.of(args[0]))) {
      System.out.println("class files upgraded to Java 8 for class-data sharing: " + jar.getFileName());
    }
  }

  /** Upgrades every jar in {@code libDir} that has old class files; returns those it rewrote. */
  public static List<Path> upgradeAll(Path libDir) throws IOException {
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(libDir, "*.jar")) {
      dir.forEach(jars::add);
    }
    jars.sort(null);
    List<Path> rewritten = new ArrayList<>();
    // Frames need the common superclass of two types, so every jar is on the loader's path.
    try (URLClassLoader loader = new URLClassLoader(urls(jars), ClassLoader.getPlatformClassLoader())) {
      for (Path jar : jars) {
        try {
          if (upgrade(jar, loader)) {
            rewritten.add(jar);
          }
        } catch (RuntimeException e) {
          // a class ASM cannot reframe (JSR, a missing superclass): the jar stays as it was,
          // correct, only outside the archives
          System.err.println("casfs build: left " + jar.getFileName() + " as it was: " + e);
        }
      }
    }
    return rewritten;
  }

  /** The jars as URLs, for a class loader over them. */
  static URL[] urls(List<Path> jars) {
    return jars.stream().map(p -> {
      try {
        return p.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new UncheckedIOException(e);
      }
    }).toArray(URL[]::new);
  }

  private static boolean upgrade(Path jar, ClassLoader loader) throws IOException {
    try (JarFile in = new JarFile(jar.toFile(), false)) {
      if (!hasOldClass(in) || isSigned(in)) {
        return false;
      }
      Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
      try (OutputStream file = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(file)) {
        for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
          JarEntry entry = e.nextElement();
          byte[] bytes;
          try (InputStream s = in.getInputStream(entry)) {
            bytes = s.readAllBytes();
          }
          if (isTopLevelClass(entry) && version(bytes) < MIN_VERSION) {
            bytes = upgradeClass(bytes, loader);
          }
          JarEntry copy = new JarEntry(entry.getName());
          copy.setTime(entry.getTime());
          out.putNextEntry(copy);
          out.write(bytes);
          out.closeEntry();
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    }
  }

  /** The class rewritten as a Java 8 class file, with frames computed by ASM. */
  static byte[] upgradeClass(byte[] bytes, ClassLoader loader) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
      @Override
      protected ClassLoader getClassLoader() {
        return loader;
      }
    };
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        super.visit(TARGET_VERSION, access, name, signature, superName, interfaces);
      }
    }, ClassReader.SKIP_FRAMES);
    return writer.toByteArray();
  }

  private static boolean hasOldClass(JarFile jar) throws IOException {
    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
      JarEntry entry = e.nextElement();
      if (isTopLevelClass(entry)) {
        try (InputStream s = jar.getInputStream(entry)) {
          if (version(s.readNBytes(8)) < MIN_VERSION) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean isSigned(JarFile jar) {
    return jar.stream().anyMatch(e -> e.getName().startsWith("META-INF/") && e.getName().endsWith(".SF"));
  }

  /** A class file outside META-INF (module-info and multi-release versions are left as they are). */
  private static boolean isTopLevelClass(JarEntry entry) {
    return entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")
        && !entry.getName().endsWith("module-info.class");
  }

  /** The class file's major version (bytes 6-7), or MIN_VERSION if it is too short to tell. */
  static int version(byte[] classFile) {
    if (classFile.length < 8) {
      return MIN_VERSION;
    }
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }
}
