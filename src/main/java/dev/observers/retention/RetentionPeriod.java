package dev.observers.retention;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long change-log rows are kept, as users write it: a whole number and a unit, {@code 30d},
 * {@code 12h}, {@code 90m}, {@code 5s} (or ISO-8601, {@code PT12H}).
 */
public final class RetentionPeriod {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d|w)");

    private RetentionPeriod() {
    }

    /** The duration {@code text} names; an IllegalArgumentException says what is accepted otherwise. */
    public static Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(value);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        } else if (value.startsWith("p")) {
            try {
                d = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw invalid(text);
            }
        } else {
            throw invalid(text);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is not a positive duration");
        }
        return d;
    }

    /** {@code d} the way {@link #parse} reads it back: the largest unit that divides it. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: use a whole number and s, m, h, d or w"
                + " (30d, 12h, 5s)");
    }
}
