package io.hotstandby.runtime.project;

/** The value type of a tag. */
public enum DataType {
  BOOLEAN,
  INT32,
  INT64,
  DOUBLE,
  STRING
}
