package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every registered command answers {@code --help} with its usage and exit 0. */
class HelpTest {
  @Test
  void everyCommandHasHelp() {
    CommandLine root = Casfs.commandLine(new Casfs(Map.of(), false, System.out),
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    assertThat(root.getSubcommands()).containsKeys("init", "import", "checkout", "ls", "cat", "show", "log", "diff",
        "fsck", "gc", "demo");
    for (String name : root.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      CliRunner.Result r = new CliRunner().run(name, "--help");
      assertThat(r.code()).as(name + ": " + r).isZero();
      assertThat(r.out()).as(name).startsWith("Usage: casfs " + name).contains("-h, --help");
      assertThat(r.err()).as(name).isEmpty();
    }
  }

  @Test
  void theRootListsCommandsAndExitCodes() {
    CliRunner.Result help = new CliRunner().run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: casfs", "import", "checkout", "Exit codes: 0 ok, 2 bad usage");
    CliRunner.Result bare = new CliRunner().run();
    assertThat(bare.code()).isEqualTo(2);
    assertThat(bare.err()).contains("Usage: casfs");
    assertThat(new CliRunner().run("help", "import").out()).startsWith("Usage: casfs import");
    assertThat(new CliRunner().run("--version").out()).startsWith("casfs ");
  }
}
