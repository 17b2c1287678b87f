package org.casfs.cas.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A failed checkout could not remove what it had written: the target holds a partial tree.
 * Attached as suppressed to the failure that stopped the checkout.
 */
public final class PartialCheckoutException extends IOException {
  private static final long serialVersionUID = 1L;

  PartialCheckoutException(Path target, Exception cause) {
    super("a partial tree is left in " + target + " (removing it failed: " + cause.getMessage() + ")", cause);
  }
}
