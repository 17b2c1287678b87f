package org.casfs.cas.io;

import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;

/**
 * What an import made: the root tree and the root directory's own metadata (what a
 * {@link org.casfs.cas.Manifest} needs), and counts.
 *
 * @param root the root tree
 * @param rootMeta the imported directory's mode, owner, mtime and xattrs
 * @param entries paths below the root (every type)
 * @param files regular file paths
 * @param bytes sum of the regular files' sizes (a hardlinked file counts once per path)
 * @param newObjects blobs and trees this import added to the store
 * @param reusedObjects blobs and trees the store already held (each counted once per import)
 * @param filesRead files whose contents were read (the rest came from the stat cache)
 * @param bytesRead bytes read from files
 * @param excluded paths left out as {@link ImportOptions#excluded} asked (not counting what they hold)
 * @param mountPoints directories imported empty because they are on another file system
 *     ({@link ImportOptions#oneFileSystem})
 */
public record ImportResult(Hashes root, Metadata rootMeta, long entries, long files, long bytes,
    long newObjects, long reusedObjects, long filesRead, long bytesRead, long excluded, long mountPoints) {
}
