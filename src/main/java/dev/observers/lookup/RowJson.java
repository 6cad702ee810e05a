package dev.observers.lookup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.action.EventJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Converts between JSON and the values the Vert.x PostgreSQL client binds and returns: event values
 * become query parameters, columns become JSON members (uuid and time values as their ISO text, numeric
 * exact, bytea as base64, arrays and json/jsonb as JSON).
 */
final class RowJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RowJson() {
    }

    /** An event value as a query parameter: integers as Long, decimals exact, objects and arrays as json. */
    static Object parameter(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? (Object) value.longValue() : new BigDecimal(value.bigIntegerValue());
        }
        if (value.isDouble() || value.isFloat()) {
            return value.doubleValue();
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isObject()) {
            return new JsonObject(EventJson.text(value));
        }
        if (value.isArray()) {
            return new JsonArray(EventJson.text(value));
        }
        return value.asText();
    }

    /** One row as an object; a repeated column name keeps its last value. */
    static ObjectNode object(List<String> columns, List<Object> cells) {
        ObjectNode object = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            object.set(columns.get(i), value(cells.get(i)));
        }
        return object;
    }

    /** One column value as JSON. */
    static JsonNode value(Object cell) {
        return switch (cell) {
            case null -> NullNode.getInstance();
            case Boolean b -> NODES.booleanNode(b);
            case Short s -> NODES.numberNode(s);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Float f -> Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(f.toString());
            case Double d -> Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(d.toString());
            case BigDecimal d -> NODES.numberNode(d);
            case BigInteger i -> NODES.numberNode(i);
            case Numeric n -> n.isNaN() ? NODES.textNode("NaN") : NODES.numberNode(n.bigDecimalValue());
            case String s -> NODES.textNode(s);
            case Character c -> NODES.textNode(c.toString());
            case UUID u -> NODES.textNode(u.toString());
            case TemporalAccessor t -> NODES.textNode(t.toString());
            case JsonObject o -> json(o.encode());
            case JsonArray a -> json(a.encode());
            case Buffer b -> NODES.textNode(Base64.getEncoder().encodeToString(b.getBytes()));
            case byte[] bytes -> NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            case Object o when o == Tuple.JSON_NULL -> NullNode.getInstance();
            case Object o when o.getClass().isArray() -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = 0; i < Array.getLength(o); i++) {
                    array.add(value(Array.get(o, i)));
                }
                yield array;
            }
            default -> NODES.textNode(cell.toString());
        };
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the PostgreSQL client produced JSON that does not parse", e);
        }
    }
}
