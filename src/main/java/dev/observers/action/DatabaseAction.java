package dev.observers.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.core.VertxException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * {@code type: database}: calls {@code SELECT fn($1::jsonb)} with {@code {"event": …, "params": …}}
 * through the daemon's pool. The call runs under a {@code statement_timeout} equal to the time left, so
 * a hung function gives its pooled connection back instead of starving the change-log reader.
 * Connection, serialization/deadlock, resource and operator-intervention errors (SQLSTATE classes 08,
 * 40, 53, 57) are transient; every other SQL error (no such function, a RAISE) is permanent.
 */
public final class DatabaseAction implements Action {

    private static final Pattern FUNCTION =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57");
    /** How long past the statement timeout the client waits for PostgreSQL's own cancellation. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

    private final Pool pool;
    private final String function;
    private final String call;
    private final ObjectNode params;

    private DatabaseAction(Pool pool, String function, ObjectNode params) {
        this.pool = pool;
        this.function = function;
        this.call = "SELECT " + quoted(function) + "($1::text::jsonb)";
        this.params = params;
    }

    /**
     * Builds the action.
     *
     * @throws IllegalArgumentException when {@code function_name} is not {@code name} or {@code schema.name}
     *                                  made of letters, digits and underscores
     */
    public static DatabaseAction from(ActionConfig.Database config, Pool pool) {
        String name = config.functionName() == null ? "" : config.functionName().strip();
        if (!FUNCTION.matcher(name).matches()) {
            throw new IllegalArgumentException("database action: function_name '" + name
                    + "' must be name or schema.name (letters, digits, '_'; at most 63 characters each)");
        }
        Map<String, Object> params = config.params() == null ? Map.of() : config.params();
        return new DatabaseAction(pool, name, EventJson.MAPPER.valueToTree(params));
    }

    /**
     * The SQL for a validated name: each part lower-cased then double-quoted, which names exactly what
     * PostgreSQL's unquoted form would, while no part can be read as SQL.
     */
    static String quoted(String function) {
        StringBuilder out = new StringBuilder();
        for (String part : function.split("\\.")) {
            out.append(out.isEmpty() ? "" : ".").append('"').append(part.toLowerCase(Locale.ROOT)).append('"');
        }
        return out.toString();
    }

    @Override
    public String type() {
        return "database";
    }

    @Override
    public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException {
        long leftMs = Duration.between(Instant.now(), invocation.deadline()).toMillis();
        if (leftMs <= 0) {
            throw ActionFailure.transientFailure("timeout", "database: the attempt's deadline passed before calling "
                    + function);
        }
        ObjectNode payload = EventJson.MAPPER.createObjectNode();
        payload.set("event", EventJson.of(event));
        payload.set("params", params);
        String json = EventJson.text(payload);
        try {
            pool.withTransaction(conn -> conn.query("SET LOCAL statement_timeout = " + leftMs).execute()
                            .chain(() -> conn.preparedQuery(call).execute(Tuple.of(json))))
                    .await().atMost(Duration.ofMillis(leftMs).plus(CANCEL_GRACE));
        } catch (PgException e) {
            throw classify(e);
        } catch (TimeoutException e) {
            throw ActionFailure.transientFailure("timeout", "database: " + function + " did not return within "
                    + leftMs + " ms");
        } catch (CompletionException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.interrupted();
                throw new InterruptedException("interrupted while calling " + function);
            }
            throw unavailable(e.getCause() == null ? e : e.getCause());
        } catch (VertxException e) {
            throw unavailable(e);
        }
    }

    private ActionFailure classify(PgException e) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        String sqlClass = state.length() >= 2 ? state.substring(0, 2) : "XX";
        String message = "database: " + function + "(jsonb) failed with SQLSTATE " + state + ": " + e.getErrorMessage();
        if ("57014".equals(state)) {
            return new ActionFailure(ActionFailure.Kind.TRANSIENT, "timeout", message, e);
        }
        return new ActionFailure(TRANSIENT_CLASSES.contains(sqlClass)
                ? ActionFailure.Kind.TRANSIENT : ActionFailure.Kind.PERMANENT, "sql_" + sqlClass, message, e);
    }

    private ActionFailure unavailable(Throwable e) {
        return new ActionFailure(ActionFailure.Kind.TRANSIENT, "connect", "database: could not call " + function
                + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
}
