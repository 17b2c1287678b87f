package org.casfs.sync.pull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.sync.Origin;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.txn.Imports;
import org.casfs.txn.Versions;

/**
 * The full v1 pull in one JVM (no JVM start in the figure): an origin imports and signs
 * CORPUS/v1 and serves it on loopback; a fresh client pulls it {@code runs} times, each into a new
 * repository. Prints bytes on the wire, bytes stored and MB/s (stored bytes / pull wall time).
 * First it measures the HTTP path alone in the same JVM: 256 MiB of zeros as a chunked response
 * from the JDK {@code HttpServer} (what a fetch stream is) read through {@code HttpURLConnection}
 * (what {@link HttpSource} uses), so the pull's figure can be compared with its transport's ceiling.
 * {@code java [-Dcasfs.bench.zstd=LEVEL] -cp ... org.casfs.sync.pull.FullPullBench CORPUS WORKDIR [runs]}
 */
public final class FullPullBench {
  private FullPullBench() {}

  private static void httpAlone() throws Exception {
    long total = 256L << 20;
    // the same server property Server sets (Nagle off), before the server classes load
    System.setProperty("sun.net.httpserver.nodelay", "true");
    com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 16);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2); // handlers off the dispatcher, as in Server
    s.setExecutor(pool);
    s.createContext("/", ex -> {
      ex.sendResponseHeaders(200, 0); // chunked, like a fetch stream
      byte[] buf = new byte[256 * 1024];
      try (java.io.OutputStream o = new java.io.BufferedOutputStream(ex.getResponseBody(), 256 * 1024)) {
        for (long n = 0; n < total; n += buf.length) {
          o.write(buf);
        }
      }
    });
    s.start();
    try {
      for (int i = 0; i < 2; i++) {
        long t0 = System.nanoTime();
        var c = (java.net.HttpURLConnection) java.net.URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/")
            .toURL().openConnection();
        long got = 0;
        java.io.InputStream body = c.getInputStream();
        if (i == 1) { // as HttpSource reads it: the chunked decoder's available() hidden
          body = new java.io.FilterInputStream(body) {
            @Override
            public int available() {
              return 0;
            }
          };
        }
        try (java.io.InputStream in = new java.io.BufferedInputStream(body, 256 * 1024)) {
          byte[] b = new byte[64 * 1024];
          for (int n; (n = in.read(b)) > 0; ) {
            got += n;
          }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf("http alone (JDK HttpServer chunked -> HttpURLConnection, %s): %,d B in %.2f s  %.0f MB/s%n",
            i == 0 ? "available() as is" : "available() = 0", got, sec, got / sec / 1e6);
      }
    } finally {
      s.stop(0);
      pool.shutdown();
    }
  }

  public static void main(String[] args) throws Exception {
    Path corpus = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Files.createDirectories(work);
    httpAlone();
    try (Origin origin = new Origin(work.resolve("origin"))) {
      int level = Integer.getInteger("casfs.bench.zstd", ServerConfig.loopback(0).zstdLevel());
      origin.server = new Server(origin.repo.objectDatabase(), origin.state, ServerConfig.loopback(0).withZstdLevel(level))
          .start();
      ObjectId v1 = new Imports(Versions.of(origin.repo)).run(corpus.resolve("v1"), "v1", ImportOptions.defaults(), null)
          .manifest();
      origin.publish(v1);
      for (int i = 0; i < runs; i++) {
        long sentBefore = origin.server.bytesSent();
        try (CorpusPullTest.TxnClient c = new CorpusPullTest.TxnClient(work.resolve("client-" + i), origin)) {
          long t0 = System.nanoTime();
          Puller.Result r = c.puller.pull(List.of(new HttpSource(origin.url(), PullConfig.defaults())), true);
          double s = (System.nanoTime() - t0) / 1e9;
          long stored = r.bytesStored();
          System.out.printf("run %d: %s  wire %,d B  stored %,d B  %.2f s  %.0f MB/s%n", i, r.manifest(),
              origin.server.bytesSent() - sentBefore, stored, s, stored / s / 1e6);
        }
      }
    }
  }
}
