package org.casfs.tools.command;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.sync.trust.PublicKey;
import org.casfs.sync.trust.TrustStore;
import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code casfs trust KEY}: trusts a public key line ({@code ed25519:…}) or a file holding one. */
@Command(name = "trust", description = "Trust an origin's public key (the line 'casfs keygen' printed, or a file with it).")
public final class TrustCommand extends RepoCommand {
  @Parameters(paramLabel = "KEY", description = "ed25519:BASE64, or a file holding that line")
  private String key;

  @Override
  protected void execute() throws Exception {
    String text = key;
    if (!key.startsWith(PublicKey.PREFIX)) {
      Path f = casfs().cwd().resolve(key);
      if (!Files.isRegularFile(f)) {
        throw CliException.usage("KEY must be a line 'ed25519:BASE64' or a file holding one: " + key);
      }
      text = Files.readString(f, StandardCharsets.US_ASCII);
    }
    PublicKey k;
    try {
      k = PublicKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    try (OpenRepo open = open()) {
      boolean added = TrustStore.open(open.repo().keysDir()).add(k);
      out().println((added ? "trusted " : "already trusted ") + k.keyId() + " " + k.text());
    }
  }
}
