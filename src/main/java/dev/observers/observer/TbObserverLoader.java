package dev.observers.observer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.observers.action.ActionConfig;
import dev.observers.changelog.EventKind;
import dev.observers.dispatch.FailurePolicy;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.observer.ConfigNode.MapNode;
import dev.observers.observer.ConfigNode.Mark;
import dev.observers.observer.condition.Condition;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Loads the observers a FraiseQL deployment keeps in its {@code tb_observer} table (written by its
 * admin API), so pointing this daemon at an existing database keeps them running. Rows are checked
 * exactly as file definitions are; NULL entity_type or event_type means all, {@code timeout_ms}
 * applies to actions without their own, and {@code retry_config}'s old {@code backoff} key is read as
 * {@code backoff_strategy} with a warning. FraiseQL's table has no {@code max_wait_ms}; a table that
 * adds the column sets the observer's breaker wait bound with it, else the daemon's default applies.
 */
public final class TbObserverLoader {

    private static final Logger LOG = Logger.getLogger(TbObserverLoader.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Resolved through search_path, as FraiseQL's own queries resolve it. */
    static final String EXISTS = "SELECT to_regclass('tb_observer') IS NOT NULL AS present";

    /** Whole rows as JSON, so optional columns of older or newer table versions need no special case. */
    static final String READ = """
            SELECT to_jsonb(o)::text AS observer
              FROM tb_observer o
             WHERE o.enabled AND o.deleted_at IS NULL
             ORDER BY o.priority, o.pk_observer""";

    private final Pool pool;
    private final Consumer<String> warnings;

    /** A loader that logs its warnings. */
    public TbObserverLoader(Pool pool) {
        this(pool, LOG::warn);
    }

    /** A loader that hands its warnings (one line each, located like problems) to {@code warnings}. */
    public TbObserverLoader(Pool pool, Consumer<String> warnings) {
        this.pool = pool;
        this.warnings = warnings;
    }

    /** Whether a {@code tb_observer} table is visible on the connection's search_path. */
    public boolean tableExists() {
        return pool.query(EXISTS).execute().await().atMost(TIMEOUT).iterator().next().getBoolean("present");
    }

    /**
     * The enabled, not deleted observers of {@code tb_observer}, by priority then insertion; none when
     * the table does not exist.
     *
     * @throws ObserverConfigException listing the problems of every row that has one
     */
    public List<ObserverDefinition> load() {
        if (!tableExists()) {
            return List.of();
        }
        Diagnostics diagnostics = new Diagnostics(warnings);
        List<ObserverDefinition> definitions = new ArrayList<>();
        for (Row row : pool.query(READ).execute().await().atMost(TIMEOUT)) {
            JsonNode json;
            try {
                json = JSON.readTree(row.getString("observer"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("PostgreSQL returned a tb_observer row that is not JSON", e);
            }
            definition(ConfigNode.of(json), diagnostics).ifPresent(definitions::add);
        }
        diagnostics.throwIfAny();
        return definitions;
    }

    private static Optional<ObserverDefinition> definition(ConfigNode node, Diagnostics diagnostics) {
        MapNode columns = (MapNode) node;
        ConfigNode.Member nameColumn = columns.members().get("name");
        String name = nameColumn != null && nameColumn.value() instanceof ConfigNode.Scalar s ? s.value().asText() : "";
        String source = "tb_observer:" + name;
        int before = diagnostics.count();
        DefinitionReader reader = new DefinitionReader(source, diagnostics);
        Fields f = Fields.columns(columns, source, diagnostics);
        f.requiredText("name", "the observer's name");
        if (f.node("fk_customer_org").isPresent()) {
            f.error("fk_customer_org", "tenant-scoped observers are not supported: this daemon would run it for"
                    + " every tenant's events; give it a tenant condition and clear fk_customer_org, or disable it");
        }
        Set<EventKind> kinds = f.node("event_type").map(n -> reader.eventTypes(n, "event_type"))
                .orElse(EnumSet.allOf(EventKind.class));
        String entity = f.text("entity_type").orElse(ObserverDefinition.ALL_ENTITIES);
        Optional<String> conditionSource = f.text("condition_expression", true);
        Optional<Condition> condition = conditionSource
                .flatMap(text -> reader.condition(f, "condition_expression", text));
        OptionalLong timeout = f.wholeNumber("timeout_ms", 1);
        List<ActionConfig> actions = f.node("actions").map(n -> reader.actions(n, "actions", timeout))
                .orElseGet(() -> {
                    reader.error(Mark.NONE, "actions", "expected a JSON array of actions, got NULL");
                    return List.of();
                });
        RetryPolicy retry = f.node("retry_config").map(n -> reader.retry(n, "retry_config", true))
                .orElse(RetryPolicy.DEFAULT);
        FailurePolicy onFailure = reader.failurePolicy(f, "on_failure");
        Optional<Duration> maxWait = reader.maxWait(f, "max_wait_ms");
        if (diagnostics.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new ObserverDefinition(name, kinds, entity, condition, conditionSource, List.of(), actions,
                retry, onFailure, maxWait, source));
    }
}
