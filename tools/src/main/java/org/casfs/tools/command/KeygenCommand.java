package org.casfs.tools.command;

import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.sync.trust.SigningKey;
import org.casfs.tools.Casfs;
import org.casfs.tools.CasfsCommand;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code casfs keygen}: makes an origin's Ed25519 key pair. The private key goes to a new file
 * readable by its owner only; the public key is printed as one line for {@code casfs trust}.
 */
@Command(name = "keygen", description = "Make an origin's Ed25519 signing key; print the public key line"
    + " (--public: print it again).")
public final class KeygenCommand extends CasfsCommand {
  @Option(names = "--key", paramLabel = "FILE",
      description = "where to write the private key (default: $CASFS_KEY or ~/.casfs/signing.key)")
  private Path key;

  @Option(names = "--public", description = "print the public key line of the existing key (to give 'casfs trust'"
      + " again); write nothing")
  private boolean showPublic;

  /**
   * The key file: {@code --key}, else {@code $CASFS_KEY}, else {@code ~/.casfs/signing.key} with
   * {@code ~} the caller's {@code $HOME} (a command forwarded to a daemon carries the caller's
   * environment and working directory, which relative paths resolve against).
   */
  static Path keyPath(Path option, Casfs caller) {
    if (option != null) {
      return option;
    }
    String e = caller.env("CASFS_KEY");
    if (e != null && !e.isBlank()) {
      return caller.cwd().resolve(e);
    }
    String home = caller.env("HOME");
    return Path.of(home != null && home.startsWith("/") ? home : System.getProperty("user.home"), ".casfs",
        "signing.key");
  }

  /** The signing key in {@code file}; its absence is one line saying how to make one. */
  static SigningKey read(Path file) throws java.io.IOException {
    requireNotADirectory(file, "read");
    if (!Files.exists(file)) {
      throw new CliException(ExitCode.IO, "no signing key at " + file + "; make one on the origin with"
          + " 'casfs keygen', or give --key FILE (or CASFS_KEY)");
    }
    return SigningKey.readFrom(file);
  }

  /** A directory where the key file should be (a directory's mode said it was "readable by others"). */
  private static void requireNotADirectory(Path file, String verb) {
    if (Files.isDirectory(file)) {
      throw CliException.usage("the signing key " + file + " is a directory; give the key file to " + verb
          + " (--key FILE or CASFS_KEY), e.g. " + file.resolve("signing.key"));
    }
  }

  @Override
  protected void execute() throws Exception {
    Path file = keyPath(key, casfs());
    requireNotADirectory(file, showPublic ? "read" : "write");
    if (showPublic) {
      out().println(read(file).publicKey().text());
      return;
    }
    SigningKey k = SigningKey.generate();
    k.writeTo(file);
    out().println(k.publicKey().text());
    err().println("private key written to " + file + " (owner-only); give the line above to 'casfs trust' on clients");
  }
}
