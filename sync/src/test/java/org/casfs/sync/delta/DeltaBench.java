package org.casfs.sync.delta;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;

/**
 * The casfs half of {@code tools/bench/delta.sh} (not a test): on the v1 -> v2 images, computes
 * every delta as an origin does, times computing and applying, prints each engine alone, the
 * per-file smallest and the zstd-compressed whole files, writes the pairs for the shell to run
 * xdelta3/bsdiff/zstd on, then pulls v2 over loopback HTTP with and without deltas.
 *
 * <pre>java -cp ... org.casfs.sync.delta.DeltaBench CORPUS WORKDIR</pre>
 */
public final class DeltaBench {
  private DeltaBench() {}

  public static void main(String[] args) throws Exception {
    Path corpus = Path.of(args[0]);
    Path work = Path.of(args[1]);
    Files.createDirectories(work);
    try (Origin origin = new Origin(work.resolve("origin"));
        Client plain = new Client(work.resolve("client-plain"), origin.key.publicKey());
        Client delta = new Client(work.resolve("client-delta"), origin.key.publicKey())) {
      ObjectDatabase db = origin.repo.objectDatabase();
      ObjectId v1 = TestVersions.importVersion(db, corpus.resolve("v1"), 1);
      origin.publish(v1);
      ObjectId v2 = TestVersions.importVersion(db, corpus.resolve("v2"), 2, v1);

      ChangedFiles.Result changed = new ChangedFiles(db).between(v1, v2);
      try (PrintWriter pairs = new PrintWriter(Files.newBufferedWriter(work.resolve("pairs.tsv")));
          PrintWriter added = new PrintWriter(Files.newBufferedWriter(work.resolve("added.txt")))) {
        for (FilePair p : changed.pairs()) {
          pairs.println(p.oldPath() + "\t" + p.newPath());
        }
        changed.unpairedPaths().forEach(added::println);
      }

      DeltaStore store = DeltaStore.open(origin.repo.stagingDir("deltas"), 1L << 30);
      VersionDeltas.Report r = new VersionDeltas(db, DeltaBudget.defaults(), 2).compute(v1, v2, store);
      long applyStart = System.nanoTime();
      long applied = 0;
      for (FileDelta f : r.files()) {
        if (f.chosenOrNull() != null) {
          FilePair p = f.pair();
          try (BlobSource old = BlobSources.open(db.store(), p.oldBlob().id(), p.oldSize())) {
            Deltas.apply(new ByteArrayInputStream(f.chosenOrNull()), p.oldBlob().id(), p.newBlob(), old,
                OutputStream.nullOutputStream());
          }
          applied++;
        }
      }
      long applyNanos = System.nanoTime() - applyStart;
      long headers = applied * DeltaHeader.LENGTH;

      System.out.printf("changed files paired: %d (%d renamed), added unpaired: %d%n", changed.pairs().size(),
          changed.pairs().stream().filter(FilePair::renamed).count(), changed.unpaired().size());
      System.out.printf("casfs zstd-19 whole changed files:      %,12d bytes%n", r.wholeCompressedBytes());
      for (DeltaEngine e : DeltaEngine.values()) {
        System.out.printf("casfs %-7s alone (else whole):     %,12d bytes%n", e.label(), r.engineAloneBytes().get(e));
      }
      System.out.printf("casfs per-file smallest:               %,12d bytes (%d deltas: %s; %,d of them headers)%n",
          r.wireBytes(), applied, r.chosenCount(), headers);
      long gz = r.files().stream().filter(f -> f.pair().newPath().endsWith(".gz")).mapToLong(FileDelta::wireBytes).sum();
      long gzCount = r.files().stream().filter(f -> f.pair().newPath().endsWith(".gz")).count();
      System.out.printf("  of which %d gzip files (changelogs, man pages): %,d bytes%n", gzCount, gz);
      System.out.printf("casfs compute all deltas: %.1f s (2 threads); apply all: %.2f s (1 thread)%n",
          r.nanos() / 1e9, applyNanos / 1e9);
      System.out.println("CASFS_SMALLEST " + r.wireBytes());
      System.out.println("CASFS_COMPUTE_S " + r.nanos() / 1e9);
      System.out.println("CASFS_APPLY_S " + applyNanos / 1e9);

      // Whole pull over loopback HTTP: an origin serving deltas and the same origin without them.
      origin.serve();
      DeltaService service = new DeltaService(db, store, DeltaBudget.onDemand(), 0, 0);
      origin.server.deltaSource(service).addFetchHook(new DeltaFetchHook(service));
      delta.pull(origin.url(), true);
      plain.pull(origin.url(), true);
      origin.publish(v2);
      try (Server old = new Server(db, origin.state, ServerConfig.loopback(0)).start()) {
        long t0 = System.nanoTime();
        plain.pull(old.url(), false);
        long plainNanos = System.nanoTime() - t0;
        long s0 = origin.server.bytesSent();
        t0 = System.nanoTime();
        java.util.List<String> notes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        delta.puller().listener(new org.casfs.sync.pull.PullListener() {
          @Override
          public void progress(org.casfs.sync.pull.PullProgress p) {}

          @Override
          public void note(String line) {
            notes.add(line);
          }
        }).addDecoder(new DeltaFrameDecoder(delta.repo.stagingDir("tmp-deltas"), null))
            .addDecoder(new TreeDeltaFrameDecoder())
            .pull(List.of(new HttpSource(origin.url(), delta.config)), false);
        long deltaNanos = System.nanoTime() - t0;
        long deltaBytes = origin.server.bytesSent() - s0;
        System.out.printf("notes during the pull with deltas: %d%s%n", notes.size(),
            notes.isEmpty() ? "" : " (first: " + notes.get(0) + ")");
        System.out.printf("casfs pull v1->v2 without deltas: %,12d bytes on the wire, %.2f s%n", old.bytesSent(),
            plainNanos / 1e9);
        System.out.printf("casfs pull v1->v2 with deltas:    %,12d bytes on the wire, %.2f s%n", deltaBytes,
            deltaNanos / 1e9);
        System.out.println("CASFS_PULL_PLAIN " + old.bytesSent());
        System.out.println("CASFS_PULL_DELTA " + deltaBytes);
      }
    }
  }
}
