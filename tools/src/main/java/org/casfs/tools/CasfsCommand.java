package org.casfs.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The base of every {@code casfs} subcommand: access to the invocation (environment, terminal,
 * output streams). Subclasses implement {@link #execute()} and throw on failure; {@link ExitCode}
 * decides the exit code and {@code ErrorReporter} prints the one error line. Not thread-safe: one
 * instance per invocation.
 */
public abstract class CasfsCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  // Only --help is shared: subcommands are free to use --version (mount --version V).
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  /** Does the work. Return normally for exit 0; throw to fail. */
  protected abstract void execute() throws Exception;

  @Override
  public final Integer call() throws Exception {
    execute();
    out().flush();
    return ExitCode.OK.code();
  }

  /** The invocation this command runs in. */
  protected Casfs casfs() {
    return (Casfs) spec.root().userObject();
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Standard output for raw bytes (text written to {@link #out()} so far is flushed first). */
  protected java.io.OutputStream rawOut() {
    out().flush();
    return casfs().stdout();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * One line on stderr, flushed at once, safe from several threads: the log of a long-running
   * command (a mount, the peer daemon) whose threads report at any moment.
   */
  protected final synchronized void log(String line) {
    err().println(line);
    err().flush();
  }

  /** A progress display for long work: a bar on a terminal, nothing otherwise. */
  protected Progress progress(String task, long total, String unit) {
    return Progress.start(casfs().terminal(), casfs().ownTerminal(), err(), task, total, unit);
  }
}
