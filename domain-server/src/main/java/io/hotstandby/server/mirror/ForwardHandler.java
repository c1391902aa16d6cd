package io.hotstandby.server.mirror;

import java.util.concurrent.CompletableFuture;

/**
 * Serves operator actions that another server passes on while it hands the active role over, and
 * takes the answers to the ones this server passed on.
 */
public interface ForwardHandler {

  /** The outcome of a forwarded action. */
  record Result(boolean ok, String text) {}

  /**
   * Serves {@code f} here (this server is, or is becoming, the active one). Never exceptionally.
   */
  CompletableFuture<Result> serve(MirrorMessage.Forward f);

  /** The answer to an action this server forwarded. */
  void answered(MirrorMessage.ForwardResult r);

  /** Serves nothing. */
  ForwardHandler NONE =
      new ForwardHandler() {
        @Override
        public CompletableFuture<Result> serve(MirrorMessage.Forward f) {
          return CompletableFuture.completedFuture(
              new Result(false, "this server does not serve forwarded actions"));
        }

        @Override
        public void answered(MirrorMessage.ForwardResult r) {}
      };
}
