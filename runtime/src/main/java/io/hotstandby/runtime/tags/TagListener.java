package io.hotstandby.runtime.tags;

/**
 * Told about every published change of a tag. Called outside the tag database's lock, one change at
 * a time and in the order the changes were made, on the thread that made a change (a driver's, or
 * an operator's write); must not block.
 */
@FunctionalInterface
public interface TagListener {

  /** The tag at {@code path} has a new value (or quality). */
  void changed(String path, TagValue value);
}
