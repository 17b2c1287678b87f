package org.casfs.cas.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;

/** A store that delegates everything and counts reads and blobs found by their SHA-256. */
public final class CountingStore implements ObjectStore {
  private final ObjectStore delegate;
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger foundBySha256 = new AtomicInteger();

  public CountingStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Objects read or opened so far. */
  public int reads() {
    return reads.get();
  }

  /** Blobs found so far by {@link #blobIdOrNull}. */
  public int foundBySha256() {
    return foundBySha256.get();
  }

  @Override
  public ObjectInfo statOrNull(ObjectId id) throws IOException {
    return delegate.statOrNull(id);
  }

  @Override
  public ObjectId blobIdOrNull(Sha256 sha256) throws IOException {
    ObjectId id = delegate.blobIdOrNull(sha256);
    if (id != null) {
      foundBySha256.incrementAndGet();
    }
    return id;
  }

  @Override
  public byte[] read(ObjectId id) throws IOException {
    reads.incrementAndGet();
    return delegate.read(id);
  }

  @Override
  public InputStream open(ObjectId id) throws IOException {
    reads.incrementAndGet();
    return delegate.open(id);
  }

  @Override
  public ObjectInfo insert(ObjectType type, byte[] bytes) throws IOException {
    return delegate.insert(type, bytes);
  }

  @Override
  public ObjectInfo insertBlob(InputStream in, long size, Hashes expected) throws IOException {
    return delegate.insertBlob(in, size, expected);
  }

  @Override
  public void flush() throws IOException {
    delegate.flush();
  }

  @Override
  public void forEach(Visitor visitor) throws IOException {
    delegate.forEach(visitor);
  }

  @Override
  public boolean remove(ObjectId id) throws IOException {
    return delegate.remove(id);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
