package org.casfs.cas.io;

/**
 * What a checkout wrote.
 *
 * @param entries paths created below the target (every type)
 * @param files regular files whose contents were written (hardlinks not counted again)
 * @param bytes bytes of those files
 * @param hardlinks extra names made with {@code link()}
 */
public record CheckoutResult(long entries, long files, long bytes, long hardlinks) {
}
