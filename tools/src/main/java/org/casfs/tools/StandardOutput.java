package org.casfs.tools;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A command's standard output, which remembers the first failure to write it. Text goes out
 * through a {@link java.io.PrintWriter}, which swallows every error: {@code casfs log >/dev/full}
 * (a full disk) ended with exit 0 and its output lost. The invocation asks {@link #failureOrNull}
 * once the command is done ({@link ErrorReporter#outputChecked}). Thread-safe as the stream it
 * wraps.
 */
public final class StandardOutput extends OutputStream {
  private final OutputStream out;
  private volatile Failure failure;

  private StandardOutput(OutputStream out) {
    this.out = out;
  }

  /** {@code out} as standard output ({@code out} itself if it already is one). */
  public static StandardOutput of(OutputStream out) {
    return out instanceof StandardOutput s ? s : new StandardOutput(out);
  }

  /** A failure to write standard output: its message says so, with the system's reason. */
  public static final class Failure extends IOException {
    private static final long serialVersionUID = 1L;

    Failure(IOException cause) {
      super(describe(cause.getMessage()), cause);
    }

    /** True when the reader went away ({@code casfs log | head -1}): nothing to say, as for SIGPIPE. */
    public boolean brokenPipe() {
      return "Broken pipe".equals(getCause().getMessage());
    }
  }

  /**
   * The one line for standard output that cannot be written for {@code reason} (the system's words,
   * "No space left on device"); the native client ({@code tools/native/casfs-forward.c}) says the same.
   */
  public static String describe(String reason) {
    return "cannot write to standard output: " + reason + "; the output is lost: check where it goes (a full disk,"
        + " a closed file)";
  }

  /** The first failure to write, or null. */
  public Failure failureOrNull() {
    return failure;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** Flushes; standard output itself stays open (the JVM's, or a daemon client's socket). */
  @Override
  public void close() throws IOException {
    flush();
  }

  private Failure failed(IOException e) {
    if (e instanceof Failure f) {
      return f;
    }
    Failure f = new Failure(e);
    if (failure == null) {
      failure = f;
    }
    return f;
  }
}
