package dev.observers.config;

import java.util.Locale;

/** The environment variable names a user sets, derived the way SmallRye Config maps them. */
public final class EnvNames {

    private EnvNames() {
    }

    /** {@code observers.checkpoint.batch-size} becomes {@code OBSERVERS_CHECKPOINT_BATCH_SIZE}. */
    public static String of(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The variable name, its FraiseQL alias when there is one, and the property: for error messages. */
    public static String describe(String property) {
        String alias = FraiseqlAliases.ALIASES.get(property);
        return of(property) + (alias == null ? "" : " (or " + alias + ")") + " [" + property + "]";
    }
}
