package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.casfs.cas.io.ProgressListener;
import org.junit.jupiter.api.Test;

/** Reports from an importer's threads arrive in any order; the bar shows the newest counts. */
class ImportProgressTest {
  @Test
  void aLateOlderReportNeverMovesTheBarBack() {
    StringWriter out = new StringWriter();
    try (Progress bar = Progress.start(true, false, new PrintWriter(out, true), "import", -1, "MiB")) {
      ProgressListener listener = ImportProgress.of(bar);
      listener.progress(2, 4, 2L << 20, 3L << 20);
      listener.progress(4, 4, 3L << 20, 3L << 20); // the last file's report
      listener.progress(3, 4, 1L << 20, 3L << 20); // a worker's earlier one, arriving after it
    }
    String[] frames = out.toString().split("\r");
    String last = frames[frames.length - 1];
    assertThat(last).as(out.toString()).contains("100%").contains("3/3 MiB").contains("4/4 entries");
  }
}
