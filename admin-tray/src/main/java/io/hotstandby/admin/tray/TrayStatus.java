package io.hotstandby.admin.tray;

import java.awt.Color;

/**
 * What the tray icon says about the domain as seen from one server, most urgent first: each with
 * its own colour and shape, so that the two can be told apart without colour vision too.
 */
public enum TrayStatus {
  /** The server did not answer. */
  UNREACHABLE("UNREACHABLE", Colours.RED, Shape.CROSS),
  /** This server and a live peer both say ACTIVE. */
  DUAL_ACTIVE("DUAL ACTIVE", Colours.RED, Shape.DIAMOND),
  /** The server reports ERROR events not yet acknowledged, or its application is unhealthy. */
  FAILURE("failure reported", Colours.RED, Shape.TRIANGLE),
  /** An operator stopped the domain on this server: it takes no role, its process runs. */
  STOPPED("STOPPED", Colours.RED, Shape.SQUARE),
  MAINTENANCE("MAINTENANCE", Colours.ORANGE, Shape.SQUARE),
  ACTIVE("ACTIVE", Colours.GREEN, Shape.CIRCLE),
  STANDBY("STANDBY", Colours.BLUE, Shape.CIRCLE),
  /** INACTIVE, STARTING, or before the first answer. */
  INACTIVE("INACTIVE", Colours.GREY, Shape.RING);

  /** The outline of the icon. */
  public enum Shape {
    CIRCLE,
    RING,
    SQUARE,
    TRIANGLE,
    DIAMOND,
    CROSS
  }

  private final String label;
  private final Color colour;
  private final Shape shape;

  TrayStatus(String label, Color colour, Shape shape) {
    this.label = label;
    this.colour = colour;
    this.shape = shape;
  }

  /** How the tooltip names this status when it is not the server's state itself. */
  public String label() {
    return label;
  }

  public Color colour() {
    return colour;
  }

  public Shape shape() {
    return shape;
  }

  /** The status of a server that answered with {@code state} and nothing urgent. */
  static TrayStatus ofState(String state) {
    return switch (state == null ? "" : state) {
      case "ACTIVE" -> ACTIVE;
      case "STANDBY" -> STANDBY;
      case "MAINTENANCE" -> MAINTENANCE;
      case "STOPPED" -> STOPPED;
      default -> INACTIVE;
    };
  }

  /** The icon colours, named as an operator would. */
  static final class Colours {
    static final Color GREEN = new Color(0x2e, 0xa0, 0x43);
    static final Color BLUE = new Color(0x1f, 0x6f, 0xd1);
    static final Color GREY = new Color(0x8a, 0x8f, 0x98);
    static final Color ORANGE = new Color(0xf0, 0x8c, 0x00);
    static final Color RED = new Color(0xd6, 0x2d, 0x20);

    private Colours() {}
  }
}
