package io.hotstandby.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime until tags, drivers and alarms exist: it checks that every project file of the domain
 * can be read and follows the activate/deactivate life of the real one, so the role logic around it
 * is exercised end to end. It runs no application.
 */
public final class ProjectFilesRuntime implements ApplicationRuntime {
  private static final Logger log = LoggerFactory.getLogger(ProjectFilesRuntime.class);

  private volatile boolean ready;
  private volatile boolean active;
  private volatile boolean writesSuspended;

  @Override
  public void load(List<Path> projects) throws RuntimeLoadException {
    ready = false;
    for (Path p : projects) {
      if (!Files.isReadable(p)) {
        throw new RuntimeLoadException(p + ": project: file not found or not readable");
      }
    }
    ready = true;
    log.info("runtime loaded {} project(s)", projects.size());
  }

  @Override
  public void activate() {
    active = true;
  }

  @Override
  public void deactivate() {
    active = false;
  }

  @Override
  public void suspendWrites(boolean suspended) {
    writesSuspended = suspended;
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public boolean active() {
    return active && !writesSuspended;
  }

  @Override
  public int health() {
    return 0;
  }

  @Override
  public void close() {
    active = false;
  }
}
