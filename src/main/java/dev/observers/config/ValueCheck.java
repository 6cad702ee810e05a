package dev.observers.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks each knob's text before it is converted, so a typo is refused in one line that names the
 * variable, the value and what is accepted, instead of a converter's message, and a boolean accepts
 * only {@code true} or {@code false}: {@code OBSERVERS_DEDUP_ENABLED=ture} must never read as false.
 */
public final class ValueCheck {

    private record UrlKind(Function<String, ?> parser, String example) {
    }

    private static final Map<String, UrlKind> URLS = Map.of(
            "observers.db.url", new UrlKind(PgUrl::parse, "postgresql://user:pass@host:5432/db"),
            "observers.redis.url", new UrlKind(RedisUrl::parse, "redis://host:6379"),
            "observers.elasticsearch.url", new UrlKind(HttpUrl::parse, "http://host:9200"),
            "observers.broker.url", new UrlKind(AmqpUrl::parse, "amqp://user:pass@host:5672/vhost"));

    private ValueCheck() {
    }

    /**
     * The problem of every knob whose text {@code raw} gives (null when unset); {@code raw} may throw
     * when a value cannot be read at all (an expression naming an unset variable), which is a problem too.
     */
    public static List<String> problems(Function<String, String> raw) {
        List<String> problems = new ArrayList<>();
        for (Knob knob : Knob.all()) {
            String text;
            try {
                text = raw.apply(knob.property());
            } catch (RuntimeException unreadable) {
                problems.add(EnvNames.describe(knob.property()) + " cannot be read: " + unreadable.getMessage());
                continue;
            }
            if (text != null) {
                problem(knob, text).ifPresent(problems::add);
            }
        }
        return List.copyOf(problems);
    }

    /** What is wrong with {@code text} as the value of {@code knob}, if anything. */
    public static Optional<String> problem(Knob knob, String text) {
        Class<?> type = knob.type();
        String value = text.trim();
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return number(knob, value, type == int.class || type == Integer.class);
        }
        if (type == boolean.class || type == Boolean.class) {
            return StrictBoolean.parse(value).isPresent() ? Optional.empty()
                    : Optional.of(describe(knob, text) + ": must be true or false");
        }
        if (type.isEnum()) {
            return isConstant(type, value) ? Optional.empty()
                    : Optional.of(describe(knob, text) + ": must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(String::valueOf).collect(Collectors.joining(", ")));
        }
        return urlProblem(knob, text);
    }

    /** The problem of a URL knob's value, without echoing it (a URL may carry a password). */
    static Optional<String> urlProblem(Knob knob, String text) {
        UrlKind kind = URLS.get(knob.property());
        if (kind == null) {
            return Optional.empty();
        }
        try {
            kind.parser().apply(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(EnvNames.describe(knob.property()) + " is not a valid URL: " + e.getMessage()
                    + " (expected e.g. " + kind.example() + ")");
        }
    }

    private static Optional<String> number(Knob knob, String value, boolean isInt) {
        ConfigCheck.Range range = ConfigCheck.RANGES.get(knob.property());
        String accepted = "a whole number" + unit(knob.property())
                + (range == null ? "" : " between " + range.min() + " and " + range.max());
        long parsed;
        try {
            parsed = isInt ? Integer.parseInt(value) : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return Optional.of(describe(knob, value) + ": must be " + accepted);
        }
        if (range != null && !range.contains(parsed)) {
            return Optional.of(describe(knob, value) + ": must be " + accepted);
        }
        return Optional.empty();
    }

    /** Durations are whole numbers in the unit their name ends with; saying so heads off {@code 5s}. */
    private static String unit(String property) {
        if (property.endsWith("-ms")) {
            return " of milliseconds, without a unit,";
        }
        if (property.endsWith("-secs") || property.endsWith("-seconds")) {
            return " of seconds, without a unit,";
        }
        return "";
    }

    /** SmallRye's enum reading: the constant's name in any case, '-' and '_' alike. */
    private static boolean isConstant(Class<?> type, String value) {
        String wanted = normalise(value);
        return Arrays.stream(type.getEnumConstants()).anyMatch(c -> normalise(((Enum<?>) c).name()).equals(wanted));
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    private static String describe(Knob knob, String value) {
        return EnvNames.describe(knob.property()) + " is '" + value + "'";
    }
}
