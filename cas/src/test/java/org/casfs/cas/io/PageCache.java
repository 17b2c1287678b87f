package org.casfs.cas.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What of some files the page cache holds (util-linux fincore, mincore(2) underneath). */
public final class PageCache {
  private PageCache() {}

  /** The bytes of the files' pages in the page cache. */
  public static long residentBytes(List<Path> files) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("fincore", "--bytes", "--noheadings", "--output", "RES"));
    for (Path f : files) {
      command.add(f.toString());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("fincore failed: " + out);
    }
    return out.lines().mapToLong(line -> Long.parseLong(line.trim())).sum();
  }
}
