package dev.observers.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as operators type it on the command line: an ISO timestamp with or without an
 * offset, a date, a span ago ({@code 90s}, {@code 15m}, {@code 6h}, {@code 7d}) or {@code now}.
 */
final class TimeArg {

    static final String FORMS = "an ISO timestamp (2025-03-01T12:00:00Z, 2025-03-01T13:00+01:00, 2025-03-01T12:00"
            + " in local time), a date (2025-03-01, local midnight), a span ago (90s, 15m, 6h, 7d) or now";

    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

    private TimeArg() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.strip();
        if (t.equals("now")) {
            return now;
        }
        Matcher ago = AGO.matcher(t);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration span = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(span);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // not with an offset; the other forms follow
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // not a local timestamp
        }
        try {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time: use " + FORMS);
        }
    }
}
