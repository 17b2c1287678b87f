package org.casfs.tools.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HangUpWatch} on a real Unix socket: what a client that goes away does to its command. */
class HangUpWatchTest {
  @TempDir Path tmp;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final BlockingQueue<HangUpWatch.Outcome> outcomes = new LinkedBlockingQueue<>();
  private ServerSocketChannel server;
  private SocketChannel client;
  private SocketChannel daemonSide;

  @BeforeEach
  void connect() throws Exception {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(tmp.resolve("s.sock")));
    client = SocketChannel.open(server.getLocalAddress());
    daemonSide = server.accept();
  }

  @AfterEach
  void close() throws Exception {
    Thread.interrupted();
    client.close();
    daemonSide.close();
    server.close();
    threads.shutdownNow();
  }

  @Test
  void aCommandWaitingForTheLockIsInterruptedAndDoesNotStart() throws Exception {
    try (HangUpWatch watch = HangUpWatch.start(daemonSide, threads, false, outcomes::add)) {
      client.close();
      assertThat(awaitInterrupt()).as("the wait for the lock is interrupted").isTrue();
      assertThat(watch.running()).as("the command does not run").isFalse();
      assertThat(Thread.currentThread().isInterrupted()).as("running() cleared the interrupt").isFalse();
      assertThat(watch.hungUp()).isTrue();
      assertThat(outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo(HangUpWatch.Outcome.NOT_STARTED);
    }
  }

  @Test
  void aStoppableCommandIsInterruptedAndItsThreadIsCleanAfterward() throws Exception {
    try (HangUpWatch watch = HangUpWatch.start(daemonSide, threads, true, outcomes::add)) {
      assertThat(watch.running()).isTrue();
      client.close();
      assertThat(awaitInterrupt()).isTrue();
    }
    assertThat(Thread.currentThread().isInterrupted()).as("close() cleared the interrupt").isFalse();
    assertThat(outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo(HangUpWatch.Outcome.STOPPED);
  }

  @Test
  void aCommandThatIsNotStoppableRunsToItsEnd() throws Exception {
    try (HangUpWatch watch = HangUpWatch.start(daemonSide, threads, false, outcomes::add)) {
      assertThat(watch.running()).isTrue();
      client.close();
      assertThat(outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo(HangUpWatch.Outcome.LEFT_TO_FINISH);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      assertThat(watch.hungUp()).isTrue();
    }
  }

  @Test
  void strayBytesFromTheClientAreNotAHangUp() throws Exception {
    try (HangUpWatch watch = HangUpWatch.start(daemonSide, threads, true, outcomes::add)) {
      assertThat(watch.running()).isTrue();
      client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(outcomes.poll(300, TimeUnit.MILLISECONDS)).isNull();
      assertThat(watch.hungUp()).isFalse();
    }
  }

  @Test
  void aCommandThatFinishedIsNotTouchedWhenTheConnectionCloses() throws Exception {
    HangUpWatch watch = HangUpWatch.start(daemonSide, threads, true, outcomes::add);
    assertThat(watch.running()).isTrue();
    watch.close();
    client.close(); // the client read its exit code and left
    daemonSide.close(); // the daemon closes its side: the watch's read ends
    assertThat(outcomes.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  /** Waits up to 10 s for this thread's interrupt flag, without clearing it. */
  private static boolean awaitInterrupt() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return Thread.currentThread().isInterrupted();
  }
}
