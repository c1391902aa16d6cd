package io.hotstandby.plantsim;

/** The simulator cannot start; the message is one line for the operator. */
public final class PlantStartException extends Exception {
  PlantStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
