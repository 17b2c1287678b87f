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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs trust KEY} trusts a public key line ({@code ed25519:…}) or a file holding one;
 * {@code --list} shows the trusted keys and the threshold; {@code --remove KEY} revokes one (by
 * key id, line or file), effective at once, also in a running daemon: rotating an origin's key is
 * {@code trust NEW}, then sign with the new key, then {@code trust --remove OLD}. {@code
 * --threshold N} requires N distinct trusted signers on every head (TUF: one stolen key cannot
 * sign an update alone); the origin's administrators add theirs with {@code casfs sign --cosign}.
 */
@Command(name = "trust", description = "Trust an origin's public key (the line 'casfs keygen' printed, or a file "
    + "with it); list the trusted keys; revoke one; or require several signers.")
public final class TrustCommand extends RepoCommand {
  @Parameters(paramLabel = "KEY", arity = "0..1",
      description = "ed25519:BASE64, a file holding that line, or (with --remove) a key id")
  private String key;

  @Option(names = "--list", description = "print the trusted keys, one 'KEYID ed25519:...' per line")
  private boolean list;

  @Option(names = "--remove", description = "stop trusting KEY: versions signed only by it are refused from now on")
  private boolean remove;

  @Option(names = "--threshold", paramLabel = "N",
      description = "require valid signatures by N distinct trusted keys on every head (default 1)")
  private Integer threshold;

  @Override
  protected void execute() throws Exception {
    boolean alone = list || threshold != null;
    if (alone == (key != null) || list && threshold != null || remove && alone) {
      throw CliException.usage("give a KEY to trust, --remove KEY to revoke one, --threshold N, or --list alone");
    }
    if (threshold != null && threshold < 1) {
      throw CliException.usage("--threshold must be at least 1: " + threshold);
    }
    try (OpenRepo open = open()) {
      TrustStore trust = TrustStore.open(open.repo().keysDir());
      if (list) {
        for (PublicKey k : trust.keys()) {
          out().println(k.keyId() + " " + k.text());
        }
        out().println("threshold " + trust.threshold());
      } else if (threshold != null) {
        trust.setThreshold(threshold);
        out().println("every head must now be signed by " + threshold + " of the " + trust.keys().size()
            + " trusted keys");
        if (threshold > trust.keys().size()) {
          err().println("casfs: fewer keys are trusted than the threshold: this machine accepts no new version until"
              + " 'casfs trust KEY' adds more");
        }
      } else if (remove) {
        PublicKey removed = trust.remove(key.matches("[0-9a-f]{16}") ? key : parse(key).keyId());
        if (removed == null) {
          throw CliException.usage("key " + key + " is not trusted here; 'casfs trust --list' shows the trusted keys");
        }
        out().println("removed " + removed.keyId() + " " + removed.text());
        if (trust.isEmpty()) {
          err().println("casfs: no key is trusted now: this machine accepts no new version until 'casfs trust KEY'");
        }
      } else {
        PublicKey k = parse(key);
        out().println((trust.add(k) ? "trusted " : "already trusted ") + k.keyId() + " " + k.text());
      }
    }
  }

  /** A key line, or the line in the file {@code arg} names. */
  private PublicKey parse(String arg) throws Exception {
    String text = arg;
    if (!arg.startsWith(PublicKey.PREFIX)) {
      Path f = casfs().cwd().resolve(arg);
      if (!Files.isRegularFile(f)) {
        throw CliException.usage("KEY must be a line 'ed25519:BASE64' or a file holding one: " + arg);
      }
      text = Files.readString(f, StandardCharsets.US_ASCII);
    }
    try {
      return PublicKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }
}
