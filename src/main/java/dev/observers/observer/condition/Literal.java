package dev.observers.observer.condition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A value written in a condition. FraiseQL reads every value, quoted or bare, as JSON first and as a
 * plain string otherwise: {@code 100}, {@code '100'} and {@code 1e2} are numbers, {@code null} is
 * null, {@code shipped} and {@code 'shipped'} are the string "shipped".
 *
 * @param source the text as written, quotes included
 * @param value  what it means
 */
public record Literal(String source, JsonNode value) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** A value from its text (quotes already removed) and its source form. */
    static Literal read(String text, String source) {
        return new Literal(source, json(text));
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
