package dev.observers.observer;

import dev.observers.observer.ConfigNode.MapNode;
import dev.observers.observer.ConfigNode.Mark;
import dev.observers.observer.ConfigNode.Member;
import dev.observers.observer.ConfigNode.Scalar;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Typed access to the fields of one map, reporting each mistake with its place and path. Unknown keys
 * are refused when the map is opened: a typo must not silently turn a setting off.
 */
final class Fields {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final MapNode map;
    private final String path;
    private final String source;
    private final Diagnostics diagnostics;

    private Fields(MapNode map, String path, String source, Diagnostics diagnostics) {
        this.map = map;
        this.path = path;
        this.source = source;
        this.diagnostics = diagnostics;
    }

    /**
     * Opens {@code map}, reporting keys not in {@code known}; {@code hints} holds a tailored message
     * for keys that are known mistakes (a FraiseQL field this daemon does not support, say).
     */
    static Fields open(MapNode map, String path, String source, Diagnostics diagnostics, List<String> known,
                       Map<String, String> hints) {
        Fields fields = new Fields(map, path, source, diagnostics);
        map.members().forEach((key, member) -> {
            if (!known.contains(key)) {
                String hint = hints.get(key);
                diagnostics.error(source, member.keyMark(), fields.pathOf(key), hint != null ? hint
                        : "unknown field" + suggestion(key, known) + "; expected one of " + String.join(", ", known));
            }
        });
        return fields;
    }

    /** Opens a map whose keys are not checked: a table row, whose columns are the table's business. */
    static Fields columns(MapNode row, String source, Diagnostics diagnostics) {
        return new Fields(row, "", source, diagnostics);
    }

    /** The path of a field of this map. */
    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String path() {
        return path;
    }

    Mark mark() {
        return map.mark();
    }

    /** The value of {@code key}, or empty when it is absent or null. */
    Optional<ConfigNode> node(String key) {
        Member member = map.members().get(key);
        return member == null || member.value().isNull() ? Optional.empty() : Optional.of(member.value());
    }

    boolean has(String key) {
        return node(key).isPresent();
    }

    /** Reports a problem with the value of {@code key} (at the value, or at this map when it is absent). */
    void error(String key, String message) {
        Member member = map.members().get(key);
        diagnostics.error(source, member == null ? map.mark() : member.value().mark(), pathOf(key), message);
    }

    /** Reports a problem about this map as a whole, under the path of {@code key}. */
    void missing(String key, String message) {
        diagnostics.error(source, map.mark(), pathOf(key), message);
    }

    void warn(String key, String message) {
        Member member = map.members().get(key);
        diagnostics.warn(source, member == null ? map.mark() : member.value().mark(), pathOf(key), message);
    }

    /** Non-empty text, if present. */
    Optional<String> text(String key) {
        return text(key, false);
    }

    /** Text, if present; {@code allowEmpty} for fields where "" means something. */
    Optional<String> text(String key, boolean allowEmpty) {
        Optional<ConfigNode> node = node(key);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (!(node.get() instanceof Scalar s) || !s.value().isTextual()) {
            error(key, "expected text, got " + node.get().describe()
                    + (node.get() instanceof Scalar ? " (quote it)" : ""));
            return Optional.empty();
        }
        String text = s.value().textValue();
        if (!allowEmpty && text.isBlank()) {
            error(key, "expected non-empty text; leave the field out instead");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** Non-empty text that must be present. */
    Optional<String> requiredText(String key, String what) {
        if (!has(key)) {
            missing(key, "required: " + what);
            return Optional.empty();
        }
        return text(key);
    }

    /** One of {@code choices} (case-insensitive, returned lower-case), or {@code fallback} when absent. */
    Optional<String> choice(String key, List<String> choices, String fallback) {
        if (!has(key)) {
            return Optional.of(fallback);
        }
        return text(key).flatMap(value -> {
            String lower = value.toLowerCase(Locale.ROOT);
            if (choices.contains(lower)) {
                return Optional.of(lower);
            }
            error(key, "expected one of " + String.join(", ", choices) + ", got '" + value + "'");
            return Optional.empty();
        });
    }

    /** The name of an environment variable, if present. */
    Optional<String> envName(String key) {
        return text(key).filter(name -> {
            if (ENV_NAME.matcher(name).matches()) {
                return true;
            }
            error(key, "expected the name of an environment variable (letters, digits, _), got '" + name + "'");
            return false;
        });
    }

    /** An http:// or https:// URL, if present. */
    Optional<String> url(String key) {
        return text(key).filter(url -> {
            String lower = url.toLowerCase(Locale.ROOT);
            if ((lower.startsWith("http://") || lower.startsWith("https://")) && !lower.endsWith("//")) {
                return true;
            }
            error(key, "expected an http:// or https:// URL, got '" + url + "'");
            return false;
        });
    }

    /** A whole number of at least {@code min}, if present. */
    OptionalLong wholeNumber(String key, long min) {
        Optional<ConfigNode> node = node(key);
        if (node.isEmpty()) {
            return OptionalLong.empty();
        }
        if (node.get() instanceof Scalar s && s.value().isIntegralNumber() && s.value().canConvertToLong()
                && s.value().longValue() >= min) {
            return OptionalLong.of(s.value().longValue());
        }
        error(key, "expected a whole number of at least " + min + ", got " + node.get().describe());
        return OptionalLong.empty();
    }

    /** A closest known key, when the unknown one looks like a typo of it. */
    private static String suggestion(String key, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(key.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        String lower = key.toLowerCase(Locale.ROOT);
        boolean close = best != null && (bestDistance <= Math.max(1, key.length() / 4)
                || lower.length() >= 3 && (best.startsWith(lower) || lower.startsWith(best)));
        return close ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
