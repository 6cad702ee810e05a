package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers SQL lookups on the daemon's Vert.x pool, blocking the calling (virtual) thread. One row gives
 * an object of its columns, none gives null, several an array of objects.
 */
public final class SqlLookupSource {

    /** Most rows a result may have: results are kept in memory and in Redis, so a query without a bound must not be. */
    static final int MAX_ROWS = 1_000;

    private final Pool pool;
    private final Duration timeout;

    public SqlLookupSource(Pool pool, Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
    }

    /** The rows of the query, as JSON. */
    public JsonNode fetch(LookupRequest.SqlQuery request) throws LookupException {
        List<Object> values = new ArrayList<>(request.params().size());
        request.params().forEach(param -> values.add(RowJson.parameter(param)));
        RowSet<Row> rows;
        try {
            rows = pool.preparedQuery(request.query()).execute(Tuple.tuple(values)).await().atMost(timeout);
        } catch (TimeoutException e) {
            throw new LookupException(request.lookup(), "the query did not answer within " + timeout.toMillis()
                    + " ms");
        } catch (PgException e) {
            throw new LookupException(request.lookup(), "the query failed: " + e.getErrorMessage() + " (SQLSTATE "
                    + e.getSqlState() + ")", e);
        } catch (RuntimeException e) {
            throw new LookupException(request.lookup(), "the query failed: " + e.getMessage(), e);
        }
        if (rows.size() > MAX_ROWS) {
            throw new LookupException(request.lookup(), "the query returned " + rows.size() + " rows, more than "
                    + MAX_ROWS + "; narrow it (WHERE, LIMIT)");
        }
        List<JsonNode> objects = new ArrayList<>(rows.size());
        for (Row row : rows) {
            List<String> columns = new ArrayList<>(row.size());
            List<Object> cells = new ArrayList<>(row.size());
            for (int i = 0; i < row.size(); i++) {
                columns.add(row.getColumnName(i));
                cells.add(row.getValue(i));
            }
            objects.add(RowJson.object(columns, cells));
        }
        return switch (objects.size()) {
            case 0 -> NullNode.getInstance();
            case 1 -> objects.getFirst();
            default -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                objects.forEach(array::add);
                yield array;
            }
        };
    }
}
