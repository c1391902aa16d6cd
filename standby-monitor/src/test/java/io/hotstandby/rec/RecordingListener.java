package io.hotstandby.rec;

import io.hotstandby.rec.PeerView.Liveness;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every call, with the monotonic time it arrived. */
class RecordingListener implements RecListener {
  record Change(String peer, Liveness from, Liveness to, long atNanos) {}

  record Heard(String peer, Heartbeat hb, String path) {}

  final List<Change> changes = new CopyOnWriteArrayList<>();
  final List<Heard> heard = new CopyOnWriteArrayList<>();
  final List<Long> pauses = new CopyOnWriteArrayList<>();
  final List<Long> pausesAtNanos = new CopyOnWriteArrayList<>();

  @Override
  public void onHeartbeat(PeerView peer, Heartbeat hb, String path) {
    heard.add(new Heard(peer.name(), hb, path));
  }

  @Override
  public void onLivenessChanged(PeerView peer, Liveness from, Liveness to) {
    changes.add(new Change(peer.name(), from, to, System.nanoTime()));
  }

  @Override
  public void onPause(long lateMillis) {
    pausesAtNanos.add(System.nanoTime());
    pauses.add(lateMillis);
  }

  List<Liveness> transitionsOf(String peer) {
    return changes.stream().filter(c -> c.peer().equals(peer)).map(Change::to).toList();
  }

  long firstChangeTo(String peer, Liveness to) {
    return changes.stream()
        .filter(c -> c.peer().equals(peer) && c.to() == to)
        .findFirst()
        .orElseThrow()
        .atNanos();
  }
}
