package dev.observers.projection;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code tv_*} table kept equal to its view: which entity changes refresh which of its rows.
 *
 * @param table    the table ({@code id} primary key, {@code data} JSONB), optionally schema-qualified
 * @param view     the view computing each row's {@code (id, data)}
 * @param entities entity types whose change refreshes the row with {@code id = object_id}
 * @param cascades changes of other entities that refresh rows of this table
 * @param source   where it is defined ({@code file:line}), for messages
 */
public record ProjectionDefinition(String table, String view, List<String> entities, List<Cascade> cascades,
                                   String source) {

    /** A table, view or column name: an SQL identifier, optionally qualified by its schema. */
    public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    public ProjectionDefinition {
        entities = List.copyOf(entities);
        cascades = List.copyOf(cascades);
    }

    /** How a change of another entity finds the rows it affects. */
    public sealed interface Cascade {
        String entity();
    }

    /**
     * The event's data holds the target id at {@code path} (dotted: {@code post.id}); the before
     * image (or, without one, the last target seen for that entity) names the old target of a move.
     */
    public record KeyCascade(String entity, String path) implements Cascade {
        public List<String> steps() {
            return List.of(path.split("\\."));
        }
    }

    /** A query returning the target ids, {@code $1} being the changed entity's {@code object_id}. */
    public record QueryCascade(String entity, String sql) implements Cascade {
    }

    /** The subscription id of this projection: {@code projection:<table>}. */
    public String subscription() {
        return subscriptionOf(table);
    }

    public static String subscriptionOf(String table) {
        return "projection:" + table;
    }

    /** Whether two lists declare the same projections, wherever in the file they are written. */
    public static boolean sameShape(List<ProjectionDefinition> a, List<ProjectionDefinition> b) {
        return a.stream().map(ProjectionDefinition::withoutSource).toList()
                .equals(b.stream().map(ProjectionDefinition::withoutSource).toList());
    }

    private ProjectionDefinition withoutSource() {
        return new ProjectionDefinition(table, view, entities, cascades, "");
    }

    /** Every entity type whose events concern this projection. */
    public Set<String> entityTypes() {
        Set<String> types = new LinkedHashSet<>(entities);
        cascades.forEach(c -> types.add(c.entity()));
        return types;
    }
}
