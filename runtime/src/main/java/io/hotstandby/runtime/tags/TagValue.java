package io.hotstandby.runtime.tags;

import java.time.Instant;

/**
 * One value of a tag with its quality and timestamps.
 *
 * @param value the value (Boolean, Integer, Long, Double or String as the tag's type says), or null
 *     when there is none yet
 * @param quality how far it can be trusted
 * @param sourceTime when the device (or the driver) produced it
 * @param serverTime when the runtime received it
 */
public record TagValue(Object value, Quality quality, Instant sourceTime, Instant serverTime) {}
