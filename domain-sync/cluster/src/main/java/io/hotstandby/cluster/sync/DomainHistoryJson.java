package io.hotstandby.cluster.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotstandby.domain.sync.DomainStore;
import io.hotstandby.domain.sync.DomainVersion;
import io.hotstandby.domain.sync.HistoryEntry;
import java.time.Instant;
import java.util.List;

/**
 * The history of the domain file as {@code Domain.History} answers it: a JSON array, newest first.
 */
public final class DomainHistoryJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DomainHistoryJson() {}

  /** Every entry of {@code store}'s history, newest first. */
  public static String of(DomainStore store) {
    ArrayNode array = JSON.createArrayNode();
    List<HistoryEntry> entries = store.history();
    for (int i = entries.size() - 1; i >= 0; i--) {
      HistoryEntry e = entries.get(i);
      DomainVersion v = e.version();
      ObjectNode o = array.addObject();
      o.put("number", v.number());
      o.put("sha256", v.sha256());
      o.put("server", v.server());
      o.put("user", v.user());
      o.put("time", Instant.ofEpochMilli(v.timeMillis()).toString());
      o.put("source", v.source());
      o.put("status", status(store, e));
      o.put("recorded", Instant.ofEpochMilli(e.recordedMillis()).toString());
      if (!e.note().isEmpty()) {
        o.put("note", e.note());
      }
    }
    return array.toString();
  }

  private static String status(DomainStore store, HistoryEntry e) {
    return switch (e.kind()) {
      case REFUSED -> "refused";
      case CONFLICT -> "conflict";
      case APPLIED -> store.inForce(e) ? "in force" : "superseded";
    };
  }
}
