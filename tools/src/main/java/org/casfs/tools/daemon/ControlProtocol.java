package org.casfs.tools.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.casfs.cas.Utf8b;
import org.casfs.tools.UnspellablePath;

/**
 * The byte format of the control socket ({@code REPO/control.sock}): one request per connection,
 * then response frames until the exit frame. All integers are big-endian; strings are a 4-byte
 * length and bytes, UTF-8 where they are ({@link Utf8b}: any bytes the client's shell passed arrive).
 *
 * <pre>
 * request:  int MAGIC, string cwd, byte terminal (0/1),
 *           int nEnv, nEnv x (string name, string value), int nArgs, nArgs x string
 * response: frames, each: byte kind ('o' stdout, 'e' stderr, 'x' exit), int length, length bytes;
 *           the exit frame's 4 bytes are the exit code and end the response
 * </pre>
 *
 * Bounds, checked by the reader before allocating: a string at most {@value #MAX_STRING} bytes,
 * at most {@value #MAX_ARGS} arguments and {@value #MAX_ENV} variables, a request at most
 * {@value #MAX_REQUEST} bytes, a frame at most {@value #MAX_FRAME} bytes. Output is streamed in
 * frames as the command writes it, so {@code casfs cat} of a large file never sits in memory.
 * Stateless and thread-safe.
 */
public final class ControlProtocol {
  /** "csf1": a different protocol or version fails at the first four bytes. */
  static final int MAGIC = 0x63736631;
  static final int MAX_STRING = 64 << 10;
  static final int MAX_ARGS = 4096;
  static final int MAX_ENV = 256;
  static final int MAX_REQUEST = 1 << 20;
  static final int MAX_FRAME = 64 << 10;

  static final byte STDOUT = 'o';
  static final byte STDERR = 'e';
  static final byte EXIT = 'x';

  private ControlProtocol() {}

  /** One command as a client asks for it. */
  record Request(Path cwd, boolean terminal, Map<String, String> env, List<String> args) {}

  static void writeRequest(OutputStream out, Request r) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(MAGIC);
    writeString(d, r.cwd().toString());
    d.writeByte(r.terminal() ? 1 : 0);
    d.writeInt(r.env().size());
    for (Map.Entry<String, String> e : r.env().entrySet()) {
      writeString(d, e.getKey());
      writeString(d, e.getValue());
    }
    d.writeInt(r.args().size());
    for (String a : r.args()) {
      writeString(d, a);
    }
    d.flush();
  }

  /** Reads one request; a malformed or oversized one is an {@link IOException} saying what was wrong. */
  static Request readRequest(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(new BoundedInputStream(in, MAX_REQUEST));
    if (d.readInt() != MAGIC) {
      throw new IOException("not a casfs control request (bad magic)");
    }
    String cwd = readString(d);
    Path cwdPath;
    try {
      cwdPath = Path.of(cwd);
    } catch (InvalidPathException e) {
      throw new IOException("the request's working directory: " + UnspellablePath.describe(cwd));
    }
    if (!cwdPath.isAbsolute()) {
      throw new IOException("the request's working directory is not absolute: " + cwd);
    }
    boolean terminal = d.readByte() != 0;
    int nEnv = count(d.readInt(), MAX_ENV, "environment variables");
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < nEnv; i++) {
      env.put(readString(d), readString(d));
    }
    int nArgs = count(d.readInt(), MAX_ARGS, "arguments");
    List<String> args = new ArrayList<>(nArgs);
    for (int i = 0; i < nArgs; i++) {
      args.add(readString(d));
    }
    return new Request(cwdPath, terminal, env, args);
  }

  static void writeFrame(DataOutputStream d, byte kind, byte[] b, int off, int len) throws IOException {
    d.writeByte(kind);
    d.writeInt(len);
    d.write(b, off, len);
  }

  static void writeExit(DataOutputStream d, int code) throws IOException {
    d.writeByte(EXIT);
    d.writeInt(4);
    d.writeInt(code);
    d.flush();
  }

  /**
   * Copies response frames to {@code stdout} and {@code stderr} and returns the exit code, or
   * null if the connection ended before the exit frame. Once {@code stdout} or {@code stderr}
   * fails (a full disk, a closed pipe), what is meant for it is read and dropped, so the command
   * runs to its end as it would in this process, where a {@link java.io.PrintWriter} drops it;
   * the caller asks its {@link org.casfs.tools.StandardOutput} what failed. An {@link IOException}
   * is the socket's.
   */
  static Integer copyResponse(InputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] buf = new byte[MAX_FRAME];
    boolean stdoutFailed = false;
    boolean stderrFailed = false;
    while (true) {
      int kind;
      try {
        kind = d.readByte();
      } catch (EOFException e) {
        return null;
      }
      int len = d.readInt();
      if (len < 0 || len > MAX_FRAME) {
        throw new IOException("control socket: a response frame of " + len + " bytes (at most " + MAX_FRAME + ")");
      }
      try {
        d.readFully(buf, 0, len);
      } catch (EOFException e) {
        return null;
      }
      switch (kind) {
        case STDOUT -> stdoutFailed = stdoutFailed || !wrote(stdout, buf, len);
        case STDERR -> stderrFailed = stderrFailed || !wrote(stderr, buf, len);
        case EXIT -> {
          if (len != 4) {
            throw new IOException("control socket: an exit frame of " + len + " bytes");
          }
          if (!stdoutFailed) {
            wrote(stdout, buf, 0);
          }
          if (!stderrFailed) {
            wrote(stderr, buf, 0);
          }
          return ((buf[0] & 0xff) << 24) | ((buf[1] & 0xff) << 16) | ((buf[2] & 0xff) << 8) | (buf[3] & 0xff);
        }
        default -> throw new IOException("control socket: unknown frame kind " + kind);
      }
    }
  }

  /** Writes and flushes; false if that failed. */
  private static boolean wrote(OutputStream out, byte[] b, int len) {
    try {
      out.write(b, 0, len);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void writeString(DataOutputStream d, String s) throws IOException {
    byte[] b = Utf8b.encode(s);
    if (b.length > MAX_STRING) {
      throw new IOException("an argument of " + b.length + " bytes is too long for the control socket (at most "
          + MAX_STRING + ")");
    }
    d.writeInt(b.length);
    d.write(b);
  }

  private static String readString(DataInputStream d) throws IOException {
    int len = count(d.readInt(), MAX_STRING, "bytes in a string");
    byte[] b = new byte[len];
    d.readFully(b);
    return Utf8b.decode(b);
  }

  private static int count(int n, int max, String what) throws IOException {
    if (n < 0 || n > max) {
      throw new IOException("control request: " + n + " " + what + " (at most " + max + ")");
    }
    return n;
  }

  /** Fails a read that would go past {@code limit} bytes in total. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        throw tooLong();
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left <= 0) {
        throw tooLong();
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    private static IOException tooLong() {
      return new IOException("control request longer than " + MAX_REQUEST + " bytes");
    }
  }
}
