package io.ampfill.event;

/** Why a record cannot be sent, one line, e.g. "missing field time". field may be null. */
public record Rejection(String field, String reason) implements MappingResult {
}
