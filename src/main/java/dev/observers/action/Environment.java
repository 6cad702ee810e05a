package dev.observers.action;

/**
 * Where {@code *_env} settings (url_env, signing_secret_env, …) are looked up: the process
 * environment in the daemon, a map in tests, since a JVM cannot set its own environment.
 */
@FunctionalInterface
public interface Environment {

    /** The variable's value, or null when it is unset. */
    String lookup(String name);

    /**
     * The daemon's process environment; a JVM system property of the same name stands in for a variable
     * that is unset (how the demo points its webhook at its own receiver).
     */
    static Environment system() {
        return name -> {
            String value = System.getenv(name);
            return value != null ? value : System.getProperty(name);
        };
    }

    /**
     * The value of {@code name}, which {@code field} of a {@code type} action names.
     *
     * @throws IllegalArgumentException naming the field and the variable when it is unset or blank
     */
    default String require(String type, String field, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(type + " action: " + field + " is empty");
        }
        String value = lookup(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(type + " action: " + field + " names the environment variable " + name
                    + ", which is not set: set " + name + " in the daemon's environment");
        }
        return value;
    }
}
