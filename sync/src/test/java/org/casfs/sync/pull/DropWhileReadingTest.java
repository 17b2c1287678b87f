package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Dropping a fetch stream's connection while the read-ahead thread reads it. The JDK's race (its
 * disconnect() finds the client gone between a check and a use, when the reading thread has just
 * released it) cannot be made to happen on demand; it failed a pull in CI once. This connection
 * throws what the JDK threw there.
 */
class DropWhileReadingTest {
  @Test
  void aConnectionReleasedByTheReadingThreadMeanwhileIsDroppedWithoutAnError() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    HttpURLConnection released = new Connection(() -> {
      disconnects.incrementAndGet();
      throw new NullPointerException(
          "Cannot invoke \"sun.net.www.http.HttpClient.isKeepingAlive()\" because \"hc\" is null");
    });
    assertThatCode(() -> HttpSource.dropWhileAnotherThreadReads(released)).doesNotThrowAnyException();
    assertThat(disconnects).hasValue(1);
  }

  @Test
  void aConnectionStillReadIsDisconnected() throws Exception {
    AtomicInteger disconnects = new AtomicInteger();
    HttpSource.dropWhileAnotherThreadReads(new Connection(disconnects::incrementAndGet));
    assertThat(disconnects).hasValue(1);
  }

  private static final class Connection extends HttpURLConnection {
    private final Runnable onDisconnect;

    Connection(Runnable onDisconnect) throws Exception {
      super(new URL("http://127.0.0.1:9/v1/fetch"));
      this.onDisconnect = onDisconnect;
    }

    @Override
    public void disconnect() {
      onDisconnect.run();
    }

    @Override
    public boolean usingProxy() {
      return false;
    }

    @Override
    public void connect() {}
  }
}
