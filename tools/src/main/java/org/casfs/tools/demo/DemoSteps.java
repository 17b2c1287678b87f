package org.casfs.tools.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps of {@code casfs demo}, in order. To extend the demo (mount, switch, pull, peers), add
 * your steps' class here: one line. Each group of steps is a class with a static {@code steps()}.
 */
public final class DemoSteps {
  private DemoSteps() {}

  public static List<DemoStep> all() {
    List<DemoStep> steps = new ArrayList<>();
    steps.addAll(StoreSteps.steps());
    steps.addAll(MountSteps.steps());
    steps.addAll(SyncSteps.steps());
    steps.addAll(RepairSteps.steps());
    return steps;
  }
}
