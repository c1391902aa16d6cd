package io.hotstandby.server.role;

import java.io.IOException;

/** Keeps the term on durable storage. A term only grows; it is stored before it is announced. */
public interface TermStore {

  /** The last stored term, 0 if none. */
  long load() throws IOException;

  /** Stores the term durably (fsync) and returns only once it is on disk. */
  void store(long term) throws IOException;
}
