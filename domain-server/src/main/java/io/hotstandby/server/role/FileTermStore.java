package io.hotstandby.server.role;

import io.hotstandby.domain.DomainFileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The term in a small text file in the data directory, replaced atomically and fsynced. */
public final class FileTermStore implements TermStore {
  private final Path file;

  public FileTermStore(Path file) {
    this.file = file;
  }

  @Override
  public long load() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": term: not a number: '" + text + "'", e);
    }
  }

  @Override
  public void store(long term) throws IOException {
    DomainFileWriter.write(file, (term + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
