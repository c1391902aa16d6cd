package io.hotstandby.runtime;

import java.time.Instant;

/**
 * One operator action the runtime took or refused.
 *
 * @param time when it was requested
 * @param user who asked
 * @param client where from: the client's address, or {@code local} for a caller in this process
 * @param action what was asked: {@code write} or {@code acknowledge}
 * @param target the tag path or alarm name
 * @param value the value written as given, or the acknowledgement's comment
 * @param ok whether it was done
 * @param result the one-line outcome ({@link WriteResult#status()} or the acknowledgement's text)
 */
public record AuditRecord(
    Instant time,
    String user,
    String client,
    String action,
    String target,
    Object value,
    boolean ok,
    String result) {}
