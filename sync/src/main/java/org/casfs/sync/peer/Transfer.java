package org.casfs.sync.peer;

import java.util.List;

/**
 * A pull in progress or just finished, for status: what is being fetched, from whom, how far.
 *
 * @param sources base URLs of the neighbours (or origin) it is pulled from
 * @param bytesPerSource bytes received from each source, in the order of {@code sources}
 */
public record Transfer(String channel, long sequence, String manifest, List<String> sources,
    String phase, long bytesDone, long bytesTotal, long objectsDone, long objectsTotal,
    List<Long> bytesPerSource, long startedMillis, long finishedMillis, String outcome) {

  public Transfer {
    sources = List.copyOf(sources);
    bytesPerSource = List.copyOf(bytesPerSource);
  }
}
