package dev.observers.projection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.projection.ProjectionDefinition.Cascade;
import dev.observers.projection.ProjectionDefinition.KeyCascade;
import dev.observers.projection.ProjectionDefinition.QueryCascade;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a batch of events asks of one projection, before the database is consulted: the row ids it
 * names directly, the children whose target must be looked up in (and recorded to) the lineage, and
 * the cascade queries to run. Pure: the {@link ProjectionRefresher} resolves it in one transaction.
 *
 * <p>A key cascade's old target comes from the before image when the row has one, and from the
 * lineage (the last target this projection saw for that child) always, so a move between targets
 * refreshes both even when the change log carries only after images.
 */
public final class Targets {

    /**
     * One child of a key cascade: every target its events named, and its latest state by change-log pk
     * (not log order: of two writers moving one child, the one that waited for the other's row lock
     * wrote its log row later): its target then ({@code last}, from the row {@code lastPk}), or gone
     * (deleted by the row {@code gonePk}, 0 when not deleted).
     */
    public record Child(String lineageKey, String childId, List<String> seen, Optional<String> last, long lastPk,
                        long gonePk) {

        /** Whether the child's latest event deleted it. */
        public boolean gone() {
            return gonePk > lastPk;
        }
    }

    /** A cascade query to run with {@code $1} = {@code entityId}. */
    public record Query(int cascade, String sql, UUID entityId) {
    }

    private final ProjectionDefinition projection;
    private final Set<String> ids = new LinkedHashSet<>();
    private final Map<List<String>, Child> children = new LinkedHashMap<>();
    private final Set<Query> queries = new LinkedHashSet<>();

    public Targets(ProjectionDefinition projection) {
        this.projection = projection;
    }

    /** The lineage key of a key cascade: which child-to-target relation a lineage row records. */
    public static String lineageKey(KeyCascade cascade) {
        return cascade.entity() + ":" + cascade.path();
    }

    /** Adds what {@code event} (and the entities of its mutation cascade) asks of this projection. */
    public Targets add(ChangeEvent event) {
        boolean deleted = event.kind() == EventKind.DELETE;
        String entityId = event.entityId() == null ? null : event.entityId().toString();
        JsonNode after = deleted ? null : event.data();
        JsonNode before = deleted ? firstPresent(event.before(), event.data()) : event.before();
        change(event.entityType(), entityId, after, before, deleted, event.pk());
        mutationCascade(event.cascade(), event.pk());
        return this;
    }

    public Set<String> ids() {
        return ids;
    }

    public List<Child> children() {
        return new ArrayList<>(children.values());
    }

    public Set<Query> queries() {
        return queries;
    }

    public boolean isEmpty() {
        return ids.isEmpty() && children.isEmpty() && queries.isEmpty();
    }

    private void change(String entityType, String entityId, JsonNode after, JsonNode before, boolean deleted, long pk) {
        if (entityType == null) {
            return;
        }
        if (entityId != null && projection.entities().contains(entityType)) {
            ids.add(entityId);
        }
        List<Cascade> cascades = projection.cascades();
        for (int i = 0; i < cascades.size(); i++) {
            Cascade c = cascades.get(i);
            if (!c.entity().equals(entityType)) {
                continue;
            }
            switch (c) {
                case KeyCascade key -> {
                    Optional<String> now = at(after, key);
                    Optional<String> was = at(before, key);
                    now.ifPresent(ids::add);
                    was.ifPresent(ids::add);
                    if (entityId != null) {
                        child(lineageKey(key), entityId, now, was, deleted, pk);
                    }
                }
                case QueryCascade query -> {
                    UUID id = uuid(entityId);
                    if (id != null) {
                        queries.add(new Query(i, query.sql(), id));
                    }
                }
            }
        }
    }

    private void child(String key, String childId, Optional<String> now, Optional<String> was, boolean gone, long pk) {
        Child prior = children.get(List.of(key, childId));
        List<String> seen = new ArrayList<>(prior == null ? List.of() : prior.seen());
        was.ifPresent(seen::add);
        now.ifPresent(seen::add);
        Optional<String> last = prior == null ? Optional.empty() : prior.last();
        long lastPk = prior == null ? 0 : prior.lastPk();
        long gonePk = prior == null ? 0 : prior.gonePk();
        if (gone) {
            gonePk = Math.max(gonePk, pk);
        } else if (now.isPresent() && pk >= lastPk) {
            last = now;
            lastPk = pk;
        }
        children.put(List.of(key, childId), new Child(key, childId, List.copyOf(seen), last, lastPk, gonePk));
    }

    /**
     * FraiseQL's mutation cascade: {@code {"updated": [{"__typename", "id", "entity"}], "deleted": [...]}};
     * each entry counts as a change of that entity.
     */
    private void mutationCascade(JsonNode cascade, long pk) {
        if (cascade == null || !cascade.isObject()) {
            return;
        }
        for (String list : List.of("updated", "deleted")) {
            JsonNode entries = cascade.get(list);
            if (entries == null || !entries.isArray()) {
                continue;
            }
            boolean deleted = list.equals("deleted");
            for (JsonNode entry : entries) {
                JsonNode type = entry.get("__typename");
                JsonNode id = entry.get("id");
                if (type == null || !type.isTextual() || id == null || id.isNull() || id.isContainerNode()) {
                    continue;
                }
                JsonNode entity = entry.get("entity");
                JsonNode image = entity != null && entity.isObject() ? entity : null;
                change(type.textValue(), id.asText(), deleted ? null : image, deleted ? image : null, deleted, pk);
            }
        }
    }

    /** The text of the target id at the cascade's path, when it is there and a scalar. */
    static Optional<String> at(JsonNode image, KeyCascade cascade) {
        JsonNode node = image;
        for (String step : cascade.steps()) {
            if (node == null || !node.isObject()) {
                return Optional.empty();
            }
            node = node.get(step);
        }
        if (node == null || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        String text = node.asText();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static JsonNode firstPresent(JsonNode a, JsonNode b) {
        return a != null && !a.isNull() && !(a.isObject() && a.isEmpty()) ? a : b;
    }

    private static UUID uuid(String text) {
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
