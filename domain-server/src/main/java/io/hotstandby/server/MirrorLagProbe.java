package io.hotstandby.server;

/**
 * How far this server's mirror of the active's state is behind, as the switchover history records
 * it at the moment a server becomes ACTIVE. Any thread may ask; an answer must come at once.
 */
public interface MirrorLagProbe {

  /** A probe for a server that mirrors nothing: no lag. */
  MirrorLagProbe NONE =
      new MirrorLagProbe() {
        @Override
        public long lagEntries() {
          return 0;
        }

        @Override
        public long lagMillis() {
          return 0;
        }
      };

  /** Entries the active has sent that this server has not applied yet; -1 without a snapshot. */
  long lagEntries();

  /** For how long, in milliseconds, this server has been behind; 0 when caught up. */
  long lagMillis();
}
