package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.action.Template;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a lookup parameter comes from in the event JSON ({@code data.fk_author}, {@code entity_id},
 * {@code data.items.0.sku}), read exactly the way templates read a {@code {{ path }}}
 * ({@link Template#resolve}).
 */
public record EventPath(List<String> segments) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_$@-]+");

    public EventPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("an event path needs at least one name");
        }
    }

    /**
     * The path of dotted text.
     *
     * @throws IllegalArgumentException when a segment is empty or holds other than letters, digits,
     *                                  '_', '-', '$' or '@'
     */
    public static EventPath parse(String dotted) {
        List<String> segments = List.of(dotted.strip().split("\\.", -1));
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("'" + dotted + "' is not an event path (names of letters, digits,"
                        + " '_', '-', '$' or '@', joined by '.', e.g. data.fk_author or entity_id)");
            }
        }
        return new EventPath(segments);
    }

    /** The value at this path in an event tree ({@code EventJson}), or null when it leads nowhere. */
    public JsonNode resolve(JsonNode event) {
        return Template.resolve(event, segments);
    }

    @Override
    public String toString() {
        return String.join(".", segments);
    }
}
