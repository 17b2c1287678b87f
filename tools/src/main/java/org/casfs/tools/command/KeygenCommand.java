package org.casfs.tools.command;

import java.nio.file.Path;
import org.casfs.sync.trust.SigningKey;
import org.casfs.tools.CasfsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code casfs keygen}: makes an origin's Ed25519 key pair. The private key goes to a new file
 * readable by its owner only; the public key is printed as one line for {@code casfs trust}.
 */
@Command(name = "keygen", description = "Make an origin's Ed25519 signing key; print the public key line.")
public final class KeygenCommand extends CasfsCommand {
  @Option(names = "--key", paramLabel = "FILE",
      description = "where to write the private key (default: $CASFS_KEY or ~/.casfs/signing.key)")
  private Path key;

  static Path keyPath(Path option, java.util.function.Function<String, String> env) {
    if (option != null) {
      return option.toAbsolutePath();
    }
    String e = env.apply("CASFS_KEY");
    if (e != null && !e.isBlank()) {
      return Path.of(e).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".casfs", "signing.key");
  }

  @Override
  protected void execute() throws Exception {
    Path file = keyPath(key, casfs()::env);
    SigningKey k = SigningKey.generate();
    k.writeTo(file);
    out().println(k.publicKey().text());
    err().println("private key written to " + file + " (owner-only); give the line above to 'casfs trust' on clients");
  }
}
