package org.casfs.txn;

import org.casfs.cas.ObjectId;

/**
 * What a commit made.
 *
 * @param manifest the new version (not switched to)
 * @param empty true if the new version's tree and root metadata equal the base's: allowed, and
 *     reported so the caller can say "nothing changed"
 * @param treesWritten directories re-encoded (unchanged subtrees are shared, not counted)
 * @param blobsWritten changed file contents stored
 */
public record CommitResult(ObjectId manifest, boolean empty, int treesWritten, int blobsWritten) {
}
