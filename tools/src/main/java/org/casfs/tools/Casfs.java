package org.casfs.tools;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.casfs.tools.command.CatCommand;
import org.casfs.tools.command.ChannelCommand;
import org.casfs.tools.command.CheckoutCommand;
import org.casfs.tools.command.DemoCommand;
import org.casfs.tools.command.MountCommand;
import org.casfs.tools.command.UmountCommand;
import org.casfs.tools.command.DiffCommand;
import org.casfs.tools.command.FsckCommand;
import org.casfs.tools.command.GcCommand;
import org.casfs.tools.command.ImportCommand;
import org.casfs.tools.command.InitCommand;
import org.casfs.tools.command.LogCommand;
import org.casfs.tools.command.LsCommand;
import org.casfs.tools.command.ShowCommand;
import org.casfs.tools.command.KeygenCommand;
import org.casfs.tools.command.MirrorCommand;
import org.casfs.tools.command.PullCommand;
import org.casfs.tools.command.ServeCommand;
import org.casfs.tools.command.PeerCommand;
import org.casfs.tools.command.SignCommand;
import org.casfs.tools.command.DeltaCommand;
import org.casfs.tools.command.TrustCommand;
import org.casfs.tools.command.SwitchCommand;
import org.casfs.tools.command.RollbackCommand;
import org.casfs.tools.command.HistoryCommand;
import org.casfs.tools.command.StatusCommand;
import org.casfs.tools.command.CommitCommand;
import org.casfs.tools.command.AbortCommand;
import org.casfs.tools.command.PinCommand;
import org.casfs.tools.command.UnpinCommand;
import org.casfs.sync.delta.DeltaStore;
import org.casfs.tools.daemon.ControlClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code casfs} command: parses the command line, runs one subcommand, and turns its outcome
 * into an exit code ({@link ExitCode}) and at most one error line.
 *
 * <p>To add a command: write a class extending {@link CasfsCommand} (or {@link RepoCommand}) in
 * {@code org.casfs.tools.command} and add it to {@code Commands.ALL} below: one line (and its name to
 * {@link RepoArguments#COMMANDS} if it is a {@link RepoCommand}).
 *
 * <p>One instance serves one invocation; it carries the environment and whether a terminal is
 * attached, so tests can run commands in-process with their own streams and variables.
 */
@Command(name = "casfs", mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "A content-addressed store for system images: import, check out, mount, "
        + "switch and share versions.",
    footer = {"", "Exit codes: 0 ok, 2 bad usage or argument, 3 not a repository or already one, "
        + "4 verification failed, 5 I/O failure, 6 repository busy, 7 rejected, 130 interrupted, 141 output pipe closed, 1 internal error."})
public final class Casfs implements Callable<Integer> {
  /**
   * Every subcommand, in the order {@code casfs --help} lists them. A holder class, so that a
   * command forwarded to a daemon never loads them ({@link RepoArguments}).
   */
  private static final class Commands {
    static final List<Class<?>> ALL = List.of(
        HelpCommand.class,
        InitCommand.class,
        ImportCommand.class,
        CheckoutCommand.class,
        LsCommand.class,
        CatCommand.class,
        ShowCommand.class,
        LogCommand.class,
        DiffCommand.class,
        FsckCommand.class,
        GcCommand.class,
        DemoCommand.class,
        MountCommand.class,
        UmountCommand.class,
        KeygenCommand.class,
        TrustCommand.class,
        SignCommand.class,
        DeltaCommand.class,
        ServeCommand.class,
        PeerCommand.class,
        PullCommand.class,
        MirrorCommand.class,
        SwitchCommand.class,
        RollbackCommand.class,
        HistoryCommand.class,
        StatusCommand.class,
        CommitCommand.class,
        AbortCommand.class,
        PinCommand.class,
        UnpinCommand.class,
        ChannelCommand.class);
  }

  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final boolean terminal;
  private final boolean ownTerminal;
  private final OutputStream stdout;
  private final Path cwd;
  private volatile boolean handedOver;

  /**
   * An invocation with these environment variables; {@code terminal} enables progress bars;
   * {@code stdout} takes raw bytes ({@code casfs cat}).
   */
  public Casfs(Map<String, String> env, boolean terminal, OutputStream stdout) {
    this(env, terminal, stdout, Path.of("").toAbsolutePath());
  }

  /**
   * As above, for a caller in another working directory {@code cwd} (an absolute path): a daemon
   * running a client's command. Relative path arguments resolve against it.
   */
  public Casfs(Map<String, String> env, boolean terminal, OutputStream stdout, Path cwd) {
    this(env, terminal, terminal, stdout, cwd);
  }

  private Casfs(Map<String, String> env, boolean terminal, boolean ownTerminal, OutputStream stdout, Path cwd) {
    this.env = Map.copyOf(env);
    this.terminal = terminal;
    this.ownTerminal = ownTerminal;
    this.stdout = stdout;
    this.cwd = cwd;
  }

  /** The invoking user's working directory (absolute); relative paths resolve against it. */
  public Path cwd() {
    return cwd;
  }

  /** Standard output for bytes; flush {@link CasfsCommand#out()} before writing here. */
  public OutputStream stdout() {
    return stdout;
  }

  /** All environment variables of this invocation. */
  public Map<String, String> environment() {
    return env;
  }

  /** The environment variable, or null. */
  public String env(String name) {
    return env.get(name);
  }

  /** True when a person is watching: progress bars go to stderr. */
  public boolean terminal() {
    return terminal;
  }

  /**
   * True when that terminal is this process's own, so its width can be asked; false for a command
   * a daemon runs for a client, whose terminal is at the other end of the control socket.
   */
  public boolean ownTerminal() {
    return ownTerminal;
  }

  public boolean debug() {
    return "1".equals(env.get("CASFS_DEBUG"));
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }

  /**
   * The configured command line, writing to {@code out} and {@code err}, for {@code args}. When the
   * arguments name a subcommand, only that one is built: picocli reflects over every option of
   * every command it is given, which cost ~0.25 s of each start with all thirty (twice, with the
   * control-socket probe). Otherwise (no arguments, help, a typo) all are built, for the listing.
   */
  public static CommandLine commandLine(Casfs casfs, PrintWriter out, PrintWriter err, String... args) {
    ErrorReporter reporter = new ErrorReporter(casfs.debug());
    CommandLine cl = new CommandLine(casfs);
    Class<?> named = namedCommandOrNull(args);
    for (Class<?> command : named == null ? Commands.ALL : List.of(named)) {
      cl.addSubcommand(command);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(reporter);
    cl.setParameterExceptionHandler(reporter);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // The caller's directory, not the JVM's: a daemon runs commands for clients elsewhere.
    cl.registerConverter(Path.class, s -> {
      try {
        return casfs.cwd.resolve(s);
      } catch (InvalidPathException e) {
        throw new CommandLine.TypeConversionException(UnspellablePath.describe(s));
      }
    });
    return cl;
  }

  /** Every subcommand class. */
  static List<Class<?>> commands() {
    return Commands.ALL;
  }

  /** The subcommand class the first non-option argument names (not help), or null. */
  public static Class<?> namedCommandOrNull(String... args) {
    for (String a : args) {
      if (a.startsWith("-")) {
        return null; // an option before the subcommand: let the full parser judge it
      }
      for (Class<?> c : Commands.ALL) {
        Command command = c.getAnnotation(Command.class);
        if (c != HelpCommand.class && (command.name().equals(a) || Arrays.asList(command.aliases()).contains(a))) {
          return c;
        }
      }
      return null;
    }
    return null;
  }

  /**
   * Runs one invocation and returns its exit code; never throws, never exits. If a daemon (a
   * mount, the peer) owns the repository, the command runs there, through its control socket.
   */
  public static int run(Map<String, String> env, boolean terminal, OutputStream stdoutStream, OutputStream stderr,
      String... args) {
    StandardOutput stdout = StandardOutput.of(stdoutStream);
    Path cwd = Path.of("").toAbsolutePath();
    Integer remote = ControlClient.runIfServed(env, terminal, cwd, stdout, stderr, args);
    if (remote != null) {
      return outputChecked(remote, env, stdout, stderr);
    }
    Preload.start();
    Casfs casfs = new Casfs(env, terminal, terminal && stderr == System.err, stdout, cwd);
    int code = runHere(casfs, stdout, stderr, args);
    if (casfs.handedOver) {
      // A daemon took the repository between the look above and this command's open.
      remote = ControlClient.runIfServed(env, terminal, cwd, stdout, stderr, args);
      if (remote != null) {
        return outputChecked(remote, env, stdout, stderr);
      }
      Casfs again = new Casfs(env, terminal, terminal && stderr == System.err, stdout, cwd);
      again.handedOver = true; // once only: now "busy" is the answer, said in one line
      return runHere(again, stdout, stderr, args);
    }
    return code;
  }

  /** A command a daemon ran: its output reached the daemon, but this process may have failed to write it. */
  private static int outputChecked(int code, Map<String, String> env, StandardOutput stdout, OutputStream stderr) {
    PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8));
    code = new ErrorReporter("1".equals(env.get("CASFS_DEBUG"))).outputChecked(code, stdout, err);
    err.flush();
    return code;
  }

  /** False once this invocation was handed to a daemon that then did not take it. */
  boolean mayHandOver() {
    return !handedOver;
  }

  /**
   * Marks this invocation as one for the daemon that has just taken its repository; the command
   * then ends with {@link HandedToDaemonException} before it did anything.
   */
  void handOverToDaemon() {
    handedOver = true;
  }

  /** Runs one invocation in this process (never through a control socket), as if started in {@code cwd}. */
  public static int runHere(Map<String, String> env, boolean terminal, Path cwd, OutputStream stdout,
      OutputStream stderr, String... args) {
    StandardOutput out = StandardOutput.of(stdout);
    return runHere(new Casfs(env, terminal, terminal && stderr == System.err, out, cwd), out, stderr, args);
  }

  private static int runHere(Casfs casfs, StandardOutput stdout, OutputStream stderr, String... args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8));
    ErrorReporter reporter = new ErrorReporter(casfs.debug());
    int code;
    try {
      code = commandLine(casfs, out, err, args).execute(args);
    } catch (RuntimeException | Error e) {
      // picocli reports failures through the handlers; this is the last line of defence.
      code = reporter.report(e, err);
    } finally {
      out.flush();
    }
    code = reporter.outputChecked(code, stdout, err);
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    args = RawArguments.of(args);
    OutputStream stdout = new FileOutputStream(FileDescriptor.out);
    ShutdownInterrupts.enableForThisProcess();
    int code = run(RawArguments.environment(System.getenv()), System.console() != null, stdout, System.err, args);
    ShutdownInterrupts.commandFinished();
    // a pull keeps the deltas it received on a background thread: let it finish first
    DeltaStore.awaitBackgroundWrites();
    System.exit(code);
  }
}
