package io.hotstandby.server.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md shows the role table as {@link RoleTable} declares it: the document cannot
 * drift from the rules. {@code -Drole.table.write=true} rewrites the section from the code.
 */
class RoleTableDocTest {
  private static final Path DOC = Path.of("..", "docs", "ARCHITECTURE.md");
  private static final String BEGIN = "<!-- role-table:begin (generated from RoleTable) -->\n";
  private static final String END = "<!-- role-table:end -->";

  @Test
  void theArchitectureDocumentShowsTheRoleTableAsDeclared() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int from = doc.indexOf(BEGIN);
    int to = doc.indexOf(END);
    assertThat(from).as("%s has a role-table section", DOC).isNotNegative();
    assertThat(to).isGreaterThan(from);
    String generated = RoleTable.markdown();
    if (Boolean.getBoolean("role.table.write")) {
      doc = doc.substring(0, from + BEGIN.length()) + generated + doc.substring(to);
      Files.writeString(DOC, doc, StandardCharsets.UTF_8);
    }
    String shown = doc.substring(from + BEGIN.length(), to);
    assertThat(shown)
        .as(
            "the role table in %s differs from RoleTable.TABLE; regenerate it with"
                + " mvn -B -pl domain-server -am test -Dtest=RoleTableDocTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Drole.table.write=true",
            DOC)
        .isEqualTo(generated);
  }

  @Test
  void everyPhaseButStoppedHasARowAndEveryTimerIsHandled() {
    Set<Phase> withRows = EnumSet.noneOf(Phase.class);
    RoleTable.TABLE.forEach(r -> withRows.addAll(r.from()));
    assertThat(withRows).isEqualTo(EnumSet.complementOf(EnumSet.of(Phase.STOPPED)));
    String md = RoleTable.markdown();
    for (RoleTimer t : RoleTimer.values()) {
      assertThat(md).as("timer %s appears in the table", t).contains(t.name());
    }
  }
}
