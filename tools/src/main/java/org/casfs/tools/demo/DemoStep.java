package org.casfs.tools.demo;

/**
 * One step of {@code casfs demo}: a title and the work. A step runs casfs commands and programs
 * through the {@link DemoContext}, which prints them and their output, and leaves what later
 * steps need in the context's state. Throw to stop the demo; the error line says why.
 */
public interface DemoStep {
  /** What the step shows, e.g. "import the JDK as a version". */
  String title();

  void run(DemoContext ctx) throws Exception;

  /** A step from a title and a body. */
  static DemoStep of(String title, Body body) {
    return new DemoStep() {
      @Override
      public String title() {
        return title;
      }

      @Override
      public void run(DemoContext ctx) throws Exception {
        body.run(ctx);
      }
    };
  }

  /** The work of a step. */
  @FunctionalInterface
  interface Body {
    void run(DemoContext ctx) throws Exception;
  }
}
