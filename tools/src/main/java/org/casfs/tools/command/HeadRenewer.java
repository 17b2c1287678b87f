package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.casfs.sync.Publisher;
import org.casfs.sync.SyncState;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;
import org.casfs.tools.OpenRepo;

/**
 * An origin's renewal of its offered head ({@link Publisher#renewIfDue}), in {@code casfs serve}
 * and {@code casfs peer}: at start and every hour, under the lock that keeps the commands sent to
 * the daemon out (a {@code casfs sign} among them). Without the signing key on this machine (kept
 * offline) it can only warn, once per head, when the head is past half its validity; a laptop's
 * peer, which has no key and offers its neighbours' heads, is silent. Logs one line per renewal or
 * warning.
 */
final class HeadRenewer implements AutoCloseable {
  static final Duration EVERY = Duration.ofHours(1);

  private final OpenRepo open;
  private final SigningKey keyOrNull;
  private final Path keyFile;
  private final Lock lock;
  private final Consumer<String> log;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "casfs-head-renewal");
    t.setDaemon(true);
    return t;
  });
  private final boolean warnWithoutKey;
  private String warned;

  private HeadRenewer(OpenRepo open, SigningKey keyOrNull, Path keyFile, boolean warnWithoutKey, Lock lock,
      Consumer<String> log) {
    this.open = open;
    this.warnWithoutKey = warnWithoutKey;
    this.keyOrNull = keyOrNull;
    this.keyFile = keyFile;
    this.lock = lock;
    this.log = log;
  }

  /**
   * Starts renewing with the key at {@code keyFile} (if there is one); without it, warns before the
   * head expires if {@code warnWithoutKey}.
   */
  static HeadRenewer start(OpenRepo open, Path keyFile, boolean warnWithoutKey, Lock lock, Consumer<String> log) {
    SigningKey key = null;
    if (Files.exists(keyFile)) {
      try {
        key = SigningKey.readFrom(keyFile);
      } catch (IOException | RuntimeException e) {
        log.accept("casfs: cannot read the signing key " + keyFile + " (" + e.getMessage() + "); the offered head"
            + " is not renewed, only warned about before it expires");
      }
    }
    HeadRenewer r = new HeadRenewer(open, key, keyFile, warnWithoutKey, lock, log);
    r.timer.scheduleWithFixedDelay(r::check, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return r;
  }

  private void check() {
    lock.lock();
    try {
      if (keyOrNull != null) {
        Publisher.Renewal o = new Publisher(open.repo().objectDatabase(), new SyncState(open.repo().kv()),
            keyOrNull, System::currentTimeMillis).renewIfDue();
        say(o.messageOrNull());
      } else if (warnWithoutKey) {
        warnIfDue();
      }
    } catch (IOException | RuntimeException e) {
      log.accept("casfs: renewing the offered head failed: " + e.getMessage() + "; sign the version again with"
          + " 'casfs sign' before its head expires");
    } finally {
      lock.unlock();
    }
  }

  private void warnIfDue() throws IOException {
    SignedHead offered = new SyncState(open.repo().kv()).offeredHeadOrNull();
    if (offered == null) {
      return;
    }
    try {
      Head h = offered.headUnverified();
      if (h.pastHalfValidity(System.currentTimeMillis())) {
        say("the offered head " + h.channel() + "#" + h.sequence() + " expires at " + Instant.ofEpochMilli(h.expiresMillis())
            + " and there is no signing key at " + keyFile + " to renew it: sign the version again ('casfs sign')"
            + " before then, or clients that have not updated yet will refuse it");
      }
    } catch (SignatureException e) {
      say("the offered head does not decode (" + e.getMessage() + "); sign the version again");
    }
  }

  /** Logs {@code message} unless it is null or the last one said. */
  private void say(String message) {
    if (message != null && !message.equals(warned)) {
      log.accept("casfs: " + message);
      warned = message;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
