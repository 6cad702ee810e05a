package dev.observers.observer.condition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A value written in a condition, read as FraiseQL reads it. A bare comparison value is JSON first and
 * a plain string otherwise: {@code 100} and {@code 1e2} are numbers, {@code null} is null,
 * {@code shipped} is the string "shipped". A quoted comparison value is always a string
 * ({@code '100'} is the string "100", FraiseQL #843). Function arguments are JSON first, quoted or not:
 * in {@code field_changed_to('total', '100')} the value is the number 100.
 *
 * @param source the text as written, quotes included
 * @param value  what it means
 */
public record Literal(String source, JsonNode value) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** A function argument from its text (quotes already removed) and its source form: JSON first. */
    static Literal read(String text, String source) {
        return new Literal(source, json(text));
    }

    /** A comparison value: quoted text is a string as written, bare text is JSON first. */
    static Literal comparand(String text, String source, boolean quoted) {
        return quoted ? new Literal(source, TextNode.valueOf(text)) : read(text, source);
    }

    /** {@code text} as JSON when it is a JSON document, else as a string. */
    static JsonNode json(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException notJson) {
            return TextNode.valueOf(text);
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
