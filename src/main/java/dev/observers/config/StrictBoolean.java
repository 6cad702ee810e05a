package dev.observers.config;

import org.eclipse.microprofile.config.spi.Converter;

import java.util.Locale;
import java.util.Optional;

/**
 * Booleans that are {@code true} or {@code false} in any case, and nothing else. SmallRye's own
 * converter reads every other word as false, so a typo would silently turn a feature off.
 */
public final class StrictBoolean implements Converter<Boolean> {

    /** The boolean {@code text} names, or empty when it names none. */
    public static Optional<Boolean> parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(Boolean.TRUE);
            case "false" -> Optional.of(Boolean.FALSE);
            default -> Optional.empty();
        };
    }

    @Override
    public Boolean convert(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return parse(value).orElseThrow(() -> new IllegalArgumentException("'" + value + "' is not true or false"));
    }
}
