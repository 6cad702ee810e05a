package dev.observers.lookup;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.action.Template;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.regex.Pattern;

/**
 * Reads an observer's {@code lookups:} map into {@link LookupDefinition}s, collecting every problem
 * instead of stopping at the first. Pure: no I/O, the same tree always gives the same answer.
 *
 * <pre>
 * lookups:
 *   author:  {sql: "SELECT name, email FROM blog.tb_user WHERE id = $1", params: [data.fk_author]}
 *   weather: {http: "https://api.example.com/weather/{{ data.city }}", headers: {Accept: application/json},
 *             ttl_secs: 300}
 * </pre>
 */
public final class LookupParser {

    /** Every field a lookup may have. */
    static final List<String> FIELDS = List.of("sql", "params", "http", "headers", "ttl_secs");

    /** Top-level members of the event JSON: a lookup of that name would hide them from templates. */
    static final Set<String> RESERVED_NAMES = Set.of("id", "event_type", "entity_type", "entity_id", "data",
            "changes", "user_id", "tenant_id", "timestamp", "trace_id", "before");

    /** Longest ttl_secs accepted: 30 days, as for the dedup window. */
    static final long MAX_TTL_SECS = 30L * 86_400;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    /** What a {@code lookups:} block holds: the definitions that are sound, and every problem found. */
    public record Parsed(List<LookupDefinition> lookups, List<LookupProblem> problems) {
        public Parsed {
            lookups = List.copyOf(lookups);
            problems = List.copyOf(problems);
        }
    }

    private final String path;
    private final List<LookupProblem> problems = new ArrayList<>();

    private LookupParser(String path) {
        this.path = path;
    }

    /**
     * The lookups of a {@code lookups:} value; {@code path} is where that value sits
     * ({@code observers.post_published.lookups}) and prefixes every problem's path.
     */
    public static Parsed parse(JsonNode lookups, String path) {
        LookupParser parser = new LookupParser(path);
        List<LookupDefinition> definitions = parser.all(lookups);
        return new Parsed(definitions, parser.problems);
    }

    private List<LookupDefinition> all(JsonNode lookups) {
        if (lookups == null || lookups.isNull()) {
            return List.of();
        }
        if (!lookups.isObject()) {
            problem(JsonPointer.empty(), path, "expected a map of lookup name to {sql: …} or {http: …}, got "
                    + describe(lookups));
            return List.of();
        }
        List<LookupDefinition> definitions = new ArrayList<>();
        lookups.properties().forEach(member -> one(member.getKey(), member.getValue()).ifPresent(definitions::add));
        return definitions;
    }

    private Optional<LookupDefinition> one(String name, JsonNode node) {
        JsonPointer at = JsonPointer.empty().appendProperty(name);
        String where = path + "." + name;
        int before = problems.size();
        if (!NAME.matcher(name).matches()) {
            problem(at, where, "a lookup name must be letters, digits and '_', not starting with a digit: conditions"
                    + " and templates address its result by it");
        } else if (RESERVED_NAMES.contains(name)) {
            problem(at, where, "'" + name + "' is a field of every event; name the lookup something else");
        }
        if (!node.isObject()) {
            problem(at, where, "expected a map with sql (and params) or http (and headers), got " + describe(node));
            return Optional.empty();
        }
        node.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                problem(at.appendProperty(field), where + "." + field, "unknown field; expected one of "
                        + String.join(", ", FIELDS));
            }
        });
        boolean sql = present(node, "sql");
        boolean http = present(node, "http");
        Optional<Duration> ttl = ttl(node, at, where);
        LookupDefinition definition = null;
        if (sql && http) {
            problem(at.appendProperty("http"), where + ".http", "a lookup is either sql or http, not both");
        } else if (sql) {
            definition = sql(name, node, at, where, ttl);
        } else if (http) {
            definition = http(name, node, at, where, ttl);
        } else {
            problem(at, where + ".sql", "required: sql (a query, with params) or http (a URL to GET)");
        }
        return problems.size() > before ? Optional.empty() : Optional.ofNullable(definition);
    }

    private LookupDefinition sql(String name, JsonNode node, JsonPointer at, String where, Optional<Duration> ttl) {
        if (present(node, "headers")) {
            problem(at.appendProperty("headers"), where + ".headers", "headers belong to http lookups");
        }
        String query = text(node, "sql", at, where).orElse("");
        List<EventPath> params = new ArrayList<>();
        JsonNode list = node.get("params");
        JsonPointer paramsAt = at.appendProperty("params");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                problem(paramsAt, where + ".params", "expected a list of event paths (e.g. [data.fk_author]), got "
                        + describe(list));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    JsonNode item = list.get(i);
                    String itemWhere = where + ".params[" + i + "]";
                    if (!item.isTextual()) {
                        problem(paramsAt.appendIndex(i), itemWhere, "expected an event path such as data.fk_author,"
                                + " got " + describe(item));
                        continue;
                    }
                    try {
                        params.add(EventPath.parse(item.textValue()));
                    } catch (IllegalArgumentException e) {
                        problem(paramsAt.appendIndex(i), itemWhere, e.getMessage());
                    }
                }
            }
        }
        if (!query.isEmpty() && (list == null || list.isNull() || list.isArray())) {
            checkPlaceholders(query, list == null || list.isNull() ? 0 : list.size(), at, where);
        }
        return new LookupDefinition.Sql(name, query, params, ttl);
    }

    private void checkPlaceholders(String query, int count, JsonPointer at, String where) {
        SortedSet<Integer> used = SqlPlaceholders.of(query);
        for (int n : used) {
            if (n < 1 || n > count) {
                problem(at.appendProperty("sql"), where + ".sql", "the query uses $" + n + " but params has "
                        + count + (count == 1 ? " entry" : " entries") + (n == 0 ? "; parameters start at $1" : ""));
                return;
            }
        }
        for (int n = 1; n <= count; n++) {
            if (!used.contains(n)) {
                problem(at.appendProperty("params"), where + ".params", "params has " + count
                        + (count == 1 ? " entry" : " entries") + " but the query does not use $" + n);
                return;
            }
        }
    }

    private LookupDefinition http(String name, JsonNode node, JsonPointer at, String where, Optional<Duration> ttl) {
        if (present(node, "params")) {
            problem(at.appendProperty("params"), where + ".params", "params belong to sql lookups; an http lookup"
                    + " reads the event through {{ path }} in its URL");
        }
        String url = text(node, "http", at, where).filter(u -> {
            String lower = u.strip().toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                return template(u, at.appendProperty("http"), where + ".http");
            }
            problem(at.appendProperty("http"), where + ".http", "expected an http:// or https:// URL, got '" + u + "'");
            return false;
        }).orElse("");
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode map = node.get("headers");
        JsonPointer headersAt = at.appendProperty("headers");
        if (map != null && !map.isNull()) {
            if (!map.isObject()) {
                problem(headersAt, where + ".headers", "expected a map of header name to value, got " + describe(map));
            } else {
                map.properties().forEach(header -> {
                    String headerName = header.getKey();
                    JsonPointer headerAt = headersAt.appendProperty(headerName);
                    String headerWhere = where + ".headers." + headerName;
                    JsonNode value = header.getValue();
                    if (!HEADER_NAME.matcher(headerName).matches()) {
                        problem(headerAt, headerWhere, "expected a header name (letters, digits, -)");
                    } else if (RESTRICTED_HEADERS.contains(headerName.toLowerCase(Locale.ROOT))) {
                        problem(headerAt, headerWhere, "the HTTP client sets " + headerName + " itself");
                    } else if (!value.isTextual()) {
                        problem(headerAt, headerWhere, "expected text, got " + describe(value) + " (quote it)");
                    } else if (template(value.textValue(), headerAt, headerWhere)) {
                        headers.put(headerName, value.textValue());
                    }
                });
            }
        }
        return new LookupDefinition.Http(name, url, headers, ttl);
    }

    private boolean template(String text, JsonPointer at, String where) {
        try {
            Template.compile(text);
            return true;
        } catch (IllegalArgumentException e) {
            problem(at, where, e.getMessage());
            return false;
        }
    }

    private Optional<Duration> ttl(JsonNode node, JsonPointer at, String where) {
        JsonNode ttl = node.get("ttl_secs");
        if (ttl == null || ttl.isNull()) {
            return Optional.empty();
        }
        if (ttl.isIntegralNumber() && ttl.canConvertToLong() && ttl.longValue() >= 1
                && ttl.longValue() <= MAX_TTL_SECS) {
            return Optional.of(Duration.ofSeconds(ttl.longValue()));
        }
        problem(at.appendProperty("ttl_secs"), where + ".ttl_secs", "expected a whole number of seconds from 1 to "
                + MAX_TTL_SECS + ", got " + describe(ttl));
        return Optional.empty();
    }

    private Optional<String> text(JsonNode node, String field, JsonPointer at, String where) {
        JsonNode value = node.get(field);
        if (value.isTextual() && !value.textValue().isBlank()) {
            return Optional.of(value.textValue());
        }
        problem(at.appendProperty(field), where + "." + field, value.isTextual() ? "expected non-empty text"
                : "expected text, got " + describe(value) + " (quote it)");
        return Optional.empty();
    }

    private static boolean present(JsonNode node, String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    private void problem(JsonPointer at, String where, String message) {
        problems.add(new LookupProblem(at, where, message));
    }

    /** What a value is, for messages, in the observer loader's words. */
    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "a map";
            case ARRAY -> "a list";
            case STRING -> "the text '" + node.textValue() + "'";
            case NUMBER -> "the number " + node;
            case BOOLEAN -> node + " (a boolean)";
            case NULL, MISSING -> "null";
            default -> node.toString();
        };
    }
}
