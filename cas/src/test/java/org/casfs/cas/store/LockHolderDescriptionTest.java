package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LockHolderDescriptionTest {
  @Test
  void aRegisteredProgramIsShownAsTyped() {
    LockHolderDescription.nameProgram("org.example.tool.Cli", "cli");
    assertThat(LockHolderDescription.commandOrNull(List.of("/usr/lib/jvm/java-17/bin/java", "-XX:+UseSerialGC", "-cp",
        "/x/cli.jar:/x/lib/*", "org.example.tool.Cli", "import", "--repo", "/r", "/srv/image")))
        .isEqualTo("cli import --repo /r /srv/image");
  }

  @Test
  void anotherJavaProgramIsShownByItsMainClass() {
    assertThat(LockHolderDescription.commandOrNull(List.of("java", "-Xmx1g", "-classpath", "a.jar", "com.example.Tool", "x")))
        .isEqualTo("Tool x");
    assertThat(LockHolderDescription.commandOrNull(List.of("/usr/bin/java", "-version"))).isEqualTo("java");
  }

  @Test
  void anyOtherProgramIsShownByItsFileNameAndIsShortened() {
    assertThat(LockHolderDescription.commandOrNull(List.of("/usr/bin/python3", "hold.py"))).isEqualTo("python3 hold.py");
    String long1 = LockHolderDescription.commandOrNull(List.of("/bin/prog", "a".repeat(300)));
    assertThat(long1).hasSize(100).endsWith("...");
    assertThat(LockHolderDescription.commandOrNull(List.of())).isNull();
  }

  @Test
  void aProcessIsFoundByItsPid() {
    String pid = Long.toString(ProcessHandle.current().pid());
    assertThat(LockHolderDescription.commandOfOrNull(pid)).isNotBlank();
    assertThat(LockHolderDescription.commandOfOrNull("999999999")).isNull();
    assertThat(LockHolderDescription.commandOfOrNull("(unknown)")).isNull();
    assertThat(LockHolderDescription.commandOfOrNull("")).isNull();
  }
}
