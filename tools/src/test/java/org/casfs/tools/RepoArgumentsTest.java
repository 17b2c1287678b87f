package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class RepoArgumentsTest {
  @Test
  void theNamesAreExactlyTheRegisteredRepositoryCommands() {
    Set<String> registered = new TreeSet<>();
    for (Class<?> c : Casfs.commands()) {
      if (RepoCommand.class.isAssignableFrom(c)) {
        Command command = c.getAnnotation(Command.class);
        registered.add(command.name());
        registered.addAll(Arrays.asList(command.aliases()));
      }
    }
    assertThat(new TreeSet<>(RepoArguments.COMMANDS)).isEqualTo(registered);
    assertThat(RepoArguments.isRepoCommand("keygen")).as("keygen works without a repository").isFalse();
    assertThat(RepoArguments.isRepoCommand("demo")).isFalse();
  }

  @Test
  void theNativeForwarderKnowsTheSameCommands() throws Exception {
    String c = java.nio.file.Files.readString(Path.of(System.getProperty("user.dir"), "native", "casfs-forward.c"));
    int start = c.indexOf("REPO_COMMANDS[] = {");
    String list = c.substring(start, c.indexOf("NULL}", start));
    Set<String> names = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([a-z]+)\"").matcher(list);
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).isEqualTo(new TreeSet<>(RepoArguments.COMMANDS));
  }

  @Test
  void theOptionWinsOverTheVariableAndBothResolveAgainstTheCallersDirectory() {
    Path cwd = Path.of("/home/ada");
    assertThat(RepoArguments.repoDirOrNull("r", "/srv/other", cwd)).isEqualTo(Path.of("/home/ada/r"));
    assertThat(RepoArguments.repoDirOrNull(null, "x/../repo", cwd)).isEqualTo(Path.of("/home/ada/repo"));
    assertThat(RepoArguments.repoDirOrNull(null, " ", cwd)).isNull();
    assertThat(RepoArguments.repoDirOrNull(null, null, cwd)).isNull();
  }

  /** {@code --repo ""} was the working directory; a path that is not UTF-8 was a stack trace. */
  @Test
  void anEmptyOptionOrAPathThatIsNotUtf8IsBadUsage() {
    Path cwd = Path.of("/home/ada");
    assertThatThrownBy(() -> RepoArguments.repoDirOrNull("", "/srv/other", cwd)).isInstanceOf(CliException.class)
        .hasMessageContaining("--repo is empty");
    assertThatThrownBy(() -> RepoArguments.repoDirOrNull("R\udcff", null, cwd)).isInstanceOf(CliException.class)
        .hasMessageContaining("--repo: the path 'R\\xff' is not UTF-8");
    assertThatThrownBy(() -> RepoArguments.repoDirOrNull(null, "X\udcff", cwd)).isInstanceOf(CliException.class)
        .hasMessageContaining("CASFS_REPO: the path 'X\\xff' is not UTF-8");
  }
}
