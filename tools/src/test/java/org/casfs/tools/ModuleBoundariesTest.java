package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps DESIGN.md's arrows honest: cas <- txn <- fs, cas <- txn <- sync, tools on top; and each
 * outside library in the one module that owns it. Reads the main sources' imports.
 */
class ModuleBoundariesTest {
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  /** For each module, the import prefixes it must not use. */
  private static final Map<String, List<String>> FORBIDDEN = Map.of(
      "cas", List.of("org.casfs.txn", "org.casfs.fs", "org.casfs.sync", "org.casfs.tools",
          "ru.serce.jnrfuse", "picocli", "org.bouncycastle", "javax.jmdns", "com.github.luben",
          "org.eclipse.jetty", "com.sun.net.httpserver", "java.net.http"),
      "txn", List.of("org.casfs.fs", "org.casfs.sync", "org.casfs.tools", "org.rocksdb",
          "ru.serce.jnrfuse", "picocli", "org.bouncycastle", "javax.jmdns", "org.eclipse.jetty",
          "com.sun.net.httpserver", "java.net.http"),
      "fs", List.of("org.casfs.sync", "org.casfs.tools", "org.rocksdb", "picocli", "org.bouncycastle",
          "javax.jmdns", "com.github.luben", "org.eclipse.jetty", "com.sun.net.httpserver", "java.net.http"),
      "sync", List.of("org.casfs.fs", "org.casfs.tools", "org.rocksdb", "ru.serce.jnrfuse", "picocli"),
      "tools", List.of("org.rocksdb"));

  @Test
  void modulesImportOnlyDownwardAndOwnTheirLibraries() {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    List<String> violations = new ArrayList<>();
    FORBIDDEN.forEach((module, banned) -> {
      Path src = root.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        return;
      }
      try (Stream<Path> files = Files.walk(src)) {
        files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
          Matcher m = IMPORT.matcher(read(p));
          while (m.find()) {
            String imported = m.group(1);
            for (String b : banned) {
              if (imported.equals(b) || imported.startsWith(b + ".")) {
                violations.add(module + ": " + root.relativize(p) + " imports " + imported);
              }
            }
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(violations).as("imports that cross module boundaries the wrong way").isEmpty();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
