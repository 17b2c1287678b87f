package org.casfs.cas;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Replays a fuzz target's corpus: the inputs a coverage-guided fuzzer ({@code tools/fuzz/run.sh})
 * kept because each reached code the others did not, and any input that once found a bug. A
 * target is a class with {@code public static void fuzzerTestOneInput(byte[])} that throws only
 * when the code under test misbehaves (an exception it does not document, a result that breaks a
 * promise). The corpus is the resource {@code /fuzz/TARGET.corpus}: one input per line in base64,
 * {@code #} comments.
 */
public final class FuzzCorpus {
  private FuzzCorpus() {}

  public static void replay(Class<?> target) throws Exception {
    Method test = target.getMethod("fuzzerTestOneInput", byte[].class);
    List<String> lines = lines(target);
    assertFalse(lines.isEmpty(), "the corpus of " + target.getSimpleName() + " is empty");
    int lineNo = 0;
    for (String line : lines) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      byte[] input = Base64.getDecoder().decode(line.strip());
      try {
        test.invoke(null, (Object) input);
      } catch (InvocationTargetException e) {
        throw new AssertionError(target.getSimpleName() + " failed on corpus line " + lineNo + " (" + line.strip()
            + "); repeat with tools/fuzz/run.sh " + target.getSimpleName() + " 0: " + e.getCause(), e.getCause());
      }
    }
  }

  private static List<String> lines(Class<?> target) throws IOException {
    String name = "/fuzz/" + target.getSimpleName() + ".corpus";
    List<String> lines = new ArrayList<>();
    try (InputStream in = target.getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError("no corpus " + name + " on the test classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    }
    return lines;
  }
}
