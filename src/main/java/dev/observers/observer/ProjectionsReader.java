package dev.observers.observer;

import dev.observers.observer.ConfigNode.ListNode;
import dev.observers.observer.ConfigNode.MapNode;
import dev.observers.observer.ConfigNode.Member;
import dev.observers.observer.ConfigNode.Scalar;
import dev.observers.projection.ProjectionDefinition;
import dev.observers.projection.ProjectionDefinition.Cascade;
import dev.observers.projection.ProjectionDefinition.KeyCascade;
import dev.observers.projection.ProjectionDefinition.QueryCascade;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code projections:} of a definitions file: a map of {@code tv_*} table to its view, the
 * entities that refresh it and its cascades. Checks the shape only; whether the table and view exist
 * with {@code id} and {@code data} is checked against the database at start.
 */
final class ProjectionsReader {

    static final List<String> FIELDS = List.of("view", "entities", "cascades");
    private static final List<String> CASCADE_FIELDS = List.of("entity", "key", "query");
    private static final Pattern KEY_PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern ONE_PARAMETER = Pattern.compile("\\$(\\d+)");

    private ProjectionsReader() {
    }

    static List<ProjectionDefinition> read(ConfigNode node, String path, String source, Diagnostics diagnostics) {
        if (!(node instanceof MapNode map)) {
            diagnostics.error(source, node.mark(), path, "expected a map of tv_* table to its projection (use {} for"
                    + " none), got " + node.describe());
            return List.of();
        }
        List<ProjectionDefinition> out = new ArrayList<>();
        for (Map.Entry<String, Member> entry : map.members().entrySet()) {
            String table = entry.getKey();
            String at = path + "." + table;
            if (!ProjectionDefinition.IDENTIFIER.matcher(table).matches()) {
                diagnostics.error(source, entry.getValue().keyMark(), at, "expected a table name (letters, digits and"
                        + " _, optionally schema.table), got '" + table + "'");
                continue;
            }
            projection(table, entry.getValue(), at, source, diagnostics).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<ProjectionDefinition> projection(String table, Member member, String path, String source,
                                                             Diagnostics diagnostics) {
        if (!(member.value() instanceof MapNode map)) {
            diagnostics.error(source, member.value().mark(), path, "expected a map with " + String.join(", ", FIELDS)
                    + ", got " + member.value().describe());
            return Optional.empty();
        }
        int before = diagnostics.count();
        Fields f = Fields.open(map, path, source, diagnostics, FIELDS, Map.of());
        Optional<String> view = f.requiredText("view", "the view computing each row's (id, data), e.g. v_post");
        view.filter(v -> !ProjectionDefinition.IDENTIFIER.matcher(v).matches())
                .ifPresent(v -> f.error("view", "expected a view name (letters, digits and _, optionally"
                        + " schema.view), got '" + v + "'"));
        List<String> entities = f.node("entities").map(n -> entities(n, f.pathOf("entities"), source, diagnostics))
                .orElse(List.of());
        List<Cascade> cascades = f.node("cascades").map(n -> cascades(n, f.pathOf("cascades"), source, diagnostics))
                .orElse(List.of());
        if (entities.isEmpty() && cascades.isEmpty() && diagnostics.count() == before) {
            f.missing("entities", "required: the entity types whose changes refresh this table (entities: [Post]),"
                    + " or cascades");
        }
        if (diagnostics.count() > before || view.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ProjectionDefinition(table, view.get(), entities, cascades,
                source + ":" + member.keyMark().line()));
    }

    private static List<String> entities(ConfigNode node, String path, String source, Diagnostics diagnostics) {
        List<ConfigNode> items = node instanceof ListNode list ? list.items() : List.of(node);
        List<String> out = new ArrayList<>();
        for (ConfigNode item : items) {
            if (item instanceof Scalar s && s.value().isTextual() && !s.value().textValue().isBlank()) {
                out.add(s.value().textValue());
            } else {
                diagnostics.error(source, item.mark(), path, "expected an entity type (text), got " + item.describe());
            }
        }
        return out;
    }

    private static List<Cascade> cascades(ConfigNode node, String path, String source, Diagnostics diagnostics) {
        if (!(node instanceof ListNode list)) {
            diagnostics.error(source, node.mark(), path, "expected a list of cascades ({entity, key} or {entity,"
                    + " query}), got " + node.describe());
            return List.of();
        }
        List<Cascade> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            ConfigNode item = list.items().get(i);
            String at = path + "[" + i + "]";
            if (!(item instanceof MapNode map)) {
                diagnostics.error(source, item.mark(), at, "expected a map with entity and key or query, got "
                        + item.describe());
                continue;
            }
            Fields f = Fields.open(map, at, source, diagnostics, CASCADE_FIELDS, Map.of());
            Optional<String> entity = f.requiredText("entity", "the entity type whose changes cascade here");
            Optional<String> key = f.text("key");
            Optional<String> query = f.text("query");
            if (key.isPresent() == query.isPresent()) {
                f.missing(key.isPresent() ? "query" : "key", "give exactly one of key (a field of the event's data"
                        + " holding this table's id) and query (SELECT returning the ids, $1 = object_id)");
                continue;
            }
            if (key.isPresent() && !KEY_PATH.matcher(key.get()).matches()) {
                f.error("key", "expected a field name or dotted path (post_id, post.id), got '" + key.get() + "'");
                continue;
            }
            if (query.isPresent()) {
                var params = ONE_PARAMETER.matcher(query.get()).results().map(r -> r.group(1)).distinct().toList();
                if (!params.equals(List.of("1"))) {
                    f.error("query", "expected a query using the changed entity's object_id as $1 and no other"
                            + " parameter, got " + (params.isEmpty() ? "none" : "$" + String.join(", $", params)));
                    continue;
                }
            }
            if (entity.isEmpty()) {
                continue;
            }
            out.add(key.<Cascade>map(k -> new KeyCascade(entity.get(), k))
                    .orElseGet(() -> new QueryCascade(entity.get(), query.get().strip())));
        }
        return out;
    }
}
