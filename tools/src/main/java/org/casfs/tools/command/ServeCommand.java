package org.casfs.tools.command;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.sync.peer.Scrub;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.sync.server.ServerUrls;
import org.casfs.sync.wire.RateLimit;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.ControlServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code casfs serve}: serves this repository's offered version over HTTP until stopped
 * (SIGTERM/SIGINT). It owns the repository meanwhile, so the origin's other commands ({@code
 * import}, {@code sign}, {@code delta}, {@code status}, ...) run inside it through the control
 * socket: an administrator publishes a new version without stopping the server, and the next
 * {@code GET /v1/head} offers it.
 */
@Command(name = "serve", description = "Serve the offered version over HTTP (head, objects, fetch streams, deltas).")
public final class ServeCommand extends RepoCommand {
  @Option(names = "--port", paramLabel = "P", defaultValue = "8470", description = "port (default: ${DEFAULT-VALUE})")
  private int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "address (default: ${DEFAULT-VALUE})")
  private String bind;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "16", description = "requests served at once")
  private int threads;

  @Option(names = "--max-rate", paramLabel = "RATE", converter = RateArgument.class,
      description = "send at most RATE bytes a second in all, e.g. 500k or 2M (default: no limit)")
  private RateLimit rate;

  @Mixin
  RenewOptions renewOptions;

  @Mixin
  ScrubOptions scrubOptions;

  @Option(names = "--zstd", paramLabel = "LEVEL", defaultValue = "1",
      description = "compression level of fetch streams, 0 for none (default: ${DEFAULT-VALUE})")
  private int zstd;

  /** Disk for the fetch streams kept for laptops that ask alike (whole versions for new ones). */
  static final long FETCH_STREAM_CACHE_BYTES = 2L << 30;

  /**
   * The server {@code casfs serve} runs: objects, fetch streams (recent ones kept for the laptops
   * that ask alike, large ones in {@code staging/fetch-streams}) and this repository's deltas.
   */
  public static Server server(Repository repo, ServerConfig config) throws IOException {
    Server server = new Server(repo.objectDatabase(), new SyncState(repo.kv()), config)
        .cacheFetchStreams(repo.stagingDir("fetch-streams"), FETCH_STREAM_CACHE_BYTES);
    return RepoDeltas.serveDeltas(server, repo);
  }

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      String offered = new SyncState(open.repo().kv()).offerWhatRunsOrNull(open.txn().refs().currentOrNull(),
          open.repo().config().channel());
      if (offered != null) {
        log(offered);
      }
      ServerConfig config = new ServerConfig(new InetSocketAddress(bind, port), threads, 32 << 20, zstd,
          Duration.ofSeconds(5));
      CountDownLatch stop = new CountDownLatch(1);
      try (ControlServer control = ControlServer.startOrWarn(open,
              "casfs serve (pid " + ProcessHandle.current().pid() + ")", this::log);
          Server server = server(open.repo(), config).logProblemsTo(this::log).limitUploads(rate).start();
          HeadRenewer renewer = renewOptions.startOrNull(open, casfs(), control, true, this::log);
          Scrub scrub = scrubOptions.startForOriginOrNull(open.repo(), this::log)) {
        Thread hook = new Thread(() -> {
          server.close();
          stop.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> urls = ServerUrls.reachable(server.address());
        out().println("serving " + open.repo().dir() + (server.address().getAddress().isAnyLocalAddress()
            ? " on every address of this machine, port " + server.address().getPort() + ": " + String.join(", ", urls)
            : " at " + server.url()));
        out().flush();
        if (new SyncState(open.repo().kv()).offeredHeadOrNull() == null) {
          log("this repository offers no signed version yet, so clients find nothing to pull; sign one with"
              + " 'casfs sign VERSION' (it runs inside this server)");
        }
        stop.await();
      }
    }
  }
}
