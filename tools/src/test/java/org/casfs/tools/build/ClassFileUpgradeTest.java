package org.casfs.tools.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build step on the real jars it is for: picocli's, ASM's and jnr-x86asm's Java 5 classes
 * come out as newer class files that the JVM loads, verifies and initializes; a jar without old
 * classes is left alone; a second run changes nothing.
 */
class ClassFileUpgradeTest {
  @TempDir Path lib;

  @Test
  void upgradesTheOldJarsToClassFilesTheVerifierAcceptsAndIsIdempotent() throws Exception {
    Path picocli = copy("picocli-");
    Path asm = copy("asm-9");
    Path x86asm = copy("jnr-x86asm-");
    Path a64asm = copy("jnr-a64asm-"); // Java 7 class files already
    byte[] a64asmBefore = Files.readAllBytes(a64asm);

    List<Path> rewritten = ClassFileUpgrade.upgradeAll(lib);

    assertEquals(List.of(asm, x86asm, picocli), rewritten);
    assertArrayEquals(a64asmBefore, Files.readAllBytes(a64asm), "a jar without old classes is left alone");
    List<String> classes = new ArrayList<>();
    for (Path jar : rewritten) {
      classes.addAll(checkedClassNames(jar));
    }
    assertTrue(classes.size() > 300, "classes checked: " + classes.size());
    // Initializing links each class, and linking runs the verifier on the new stack map frames.
    try (URLClassLoader loader = new URLClassLoader(ClassFileUpgrade.urls(rewritten), ClassLoader.getPlatformClassLoader())) {
      for (String c : classes) {
        Class.forName(c, true, loader);
      }
    }
    assertEquals(List.of(), ClassFileUpgrade.upgradeAll(lib), "a second run rewrites nothing");
  }

  /** The jar's class names, after asserting that every class file is at least version 50. */
  private static List<String> checkedClassNames(Path jar) throws Exception {
    List<String> names = new ArrayList<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
          continue;
        }
        try (InputStream in = jf.getInputStream(jf.getJarEntry(name))) {
          int version = ClassFileUpgrade.version(in.readNBytes(8));
          assertTrue(version >= ClassFileUpgrade.MIN_VERSION, name + " in " + jar.getFileName() + " is version " + version);
        }
        names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
      }
    }
    return names;
  }

  private Path copy(String jarPrefix) throws Exception {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (p.getFileName().toString().startsWith(jarPrefix) && p.toString().endsWith(".jar")) {
        return Files.copy(p, lib.resolve(p.getFileName()));
      }
    }
    throw new AssertionError("no " + jarPrefix + "*.jar on the test class path");
  }
}
