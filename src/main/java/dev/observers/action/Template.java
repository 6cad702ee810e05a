package dev.observers.action;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A {@code {{ key }}} template, parsed once when the observer is loaded and rendered for every event
 * against the {@link EventJson} tree.
 *
 * <p>A dotted path starts at the event: {@code {{ entity_id }}}, {@code {{ data.title }}},
 * {@code {{ changes.status.new }}}, {@code {{ data.items.0.sku }}}. A bare name that is a field of
 * {@code data} means that field, as in FraiseQL, whose templates only name top-level data fields
 * ({@code {{ status }}}); any other bare name is looked up on the event. A path that leads nowhere
 * renders as the empty string; strings render as their text, other values as compact JSON.
 *
 * <p>{@link #forJson} templates are JSON bodies with holes: a hole inside a JSON string gets the value
 * JSON-escaped, so event data cannot break out of the string; a hole in value position gets the value
 * as JSON ({@code null} when missing). Either way, a template that is valid JSON with its holes filled
 * renders valid JSON for every event.
 */
public final class Template {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_$@-]+");
    private static final JsonNode EMPTY_EVENT = JsonNodeFactory.instance.objectNode();

    private enum Mode { TEXT, JSON }

    private sealed interface Part permits Literal, Hole {
    }

    private record Literal(String text) implements Part {
    }

    /** One {@code {{ … }}}; {@code inString} says whether a JSON template has it inside a string literal. */
    private record Hole(String source, List<String> path, boolean inString) implements Part {
    }

    private final String source;
    private final Mode mode;
    private final List<Part> parts;

    private Template(String source, Mode mode, List<Part> parts) {
        this.source = source;
        this.mode = mode;
        this.parts = parts;
    }

    /**
     * Parses a text template (messages, headers, keys).
     *
     * @throws IllegalArgumentException when a "{{" is not closed or does not hold a field path; the message
     *                                  gives the offset
     */
    public static Template compile(String source) {
        return new Template(source, Mode.TEXT, parse(source, Mode.TEXT));
    }

    /** Parses a JSON body template, whose holes are filled JSON-safely (see the class comment). */
    public static Template forJson(String source) {
        return new Template(source, Mode.JSON, parse(source, Mode.JSON));
    }

    /** The template as written. */
    public String source() {
        return source;
    }

    /** Whether the template has at least one {@code {{ … }}}. */
    public boolean hasHoles() {
        return parts.stream().anyMatch(Hole.class::isInstance);
    }

    /** Renders against an event tree (an {@link EventJson}). */
    public String render(JsonNode event) {
        return render(event, UnaryOperator.identity());
    }

    /**
     * Renders with every substituted value of a text template passed through {@code escape} first; the
     * template's own text is left as written (how a cache key keeps its author's globs while values
     * cannot add any). A {@link #forJson} template JSON-escapes values instead and ignores {@code escape}.
     */
    public String render(JsonNode event, UnaryOperator<String> escape) {
        StringBuilder out = new StringBuilder(source.length() + 32);
        for (Part part : parts) {
            switch (part) {
                case Literal literal -> out.append(literal.text());
                case Hole hole -> {
                    JsonNode value = resolve(event, hole.path());
                    if (mode == Mode.TEXT) {
                        out.append(escape.apply(text(value)));
                    } else if (hole.inString()) {
                        JsonStringEncoder.getInstance().quoteAsString(text(value), out);
                    } else {
                        out.append(value == null ? "null" : EventJson.text(value));
                    }
                }
            }
        }
        return out.toString();
    }

    /** The holes (as written) whose path leads nowhere in {@code event}, in template order. */
    public List<String> missing(JsonNode event) {
        List<String> out = new ArrayList<>();
        for (Part part : parts) {
            if (part instanceof Hole hole && resolve(event, hole.path()) == null) {
                out.add(hole.source());
            }
        }
        return out;
    }

    /** For a {@link #forJson} template: whether it renders one well-formed JSON document. */
    public boolean rendersJson() {
        if (mode != Mode.JSON) {
            return false;
        }
        try {
            EventJson.MAPPER.readerFor(JsonNode.class)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(render(EMPTY_EVENT));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return source;
    }

    /**
     * A bare name is a data field first (FraiseQL's rule); a dotted path starts at the event, unless its
     * head names no event field but a data field ({@code author.name} for a lookup named author).
     */
    public static JsonNode resolve(JsonNode event, List<String> path) {
        JsonNode data = event.get("data");
        String head = path.getFirst();
        boolean inData = data != null && data.isObject() && data.has(head)
                && (path.size() == 1 || !event.has(head));
        JsonNode node = inData ? data : event;
        for (String segment : path) {
            if (node == null) {
                return null;
            }
            if (node.isObject()) {
                node = node.get(segment);
            } else if (node.isArray() && isIndex(segment)) {
                node = node.get(Integer.parseInt(segment));
            } else {
                return null;
            }
        }
        return node;
    }

    private static String text(JsonNode value) {
        if (value == null) {
            return "";
        }
        return value.isTextual() ? value.textValue() : EventJson.text(value);
    }

    private static boolean isIndex(String segment) {
        return segment.length() <= 9 && segment.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static List<Part> parse(String source, Mode mode) {
        if (source == null) {
            throw new IllegalArgumentException("template is missing");
        }
        List<Part> parts = new ArrayList<>();
        JsonStringState strings = new JsonStringState();
        int at = 0;
        while (at < source.length()) {
            int open = source.indexOf("{{", at);
            if (open < 0) {
                addLiteral(parts, strings, source.substring(at));
                break;
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("template: '{{' at offset " + open + " has no closing '}}'");
            }
            addLiteral(parts, strings, source.substring(at, open));
            String hole = source.substring(open, close + 2);
            parts.add(new Hole(hole, path(hole, open), mode == Mode.JSON && strings.inString));
            at = close + 2;
        }
        return List.copyOf(parts);
    }

    private static void addLiteral(List<Part> parts, JsonStringState strings, String text) {
        if (!text.isEmpty()) {
            parts.add(new Literal(text));
            strings.scan(text);
        }
    }

    private static List<String> path(String hole, int offset) {
        String inner = hole.substring(2, hole.length() - 2).strip();
        String[] segments = inner.split("\\.", -1);
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("template: " + hole + " at offset " + offset
                        + " is not a field path (names of letters, digits, '_', '-', '$' or '@', joined by '.')");
            }
        }
        return List.of(segments);
    }

    /** Tracks whether the literal text so far leaves a JSON template inside a string literal. */
    private static final class JsonStringState {
        boolean inString;
        boolean escaped;

        void scan(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!inString) {
                    inString = c == '"';
                } else if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            }
        }
    }
}
