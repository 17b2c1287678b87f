package org.casfs.sync.pull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A listener that keeps every note a pull tells (dropped sources, resumes); progress is ignored. */
final class RecordedNotes implements PullListener {
  final List<String> notes = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void progress(PullProgress p) {}

  @Override
  public void note(String line) {
    notes.add(line);
  }
}
