package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;

/** Where a lookup's result really comes from, asked only on a cache miss: the database or an HTTP server. */
@FunctionalInterface
public interface LookupSource {

    JsonNode fetch(LookupRequest request) throws LookupException;

    /** SQL requests to {@code sql}, HTTP requests to {@code http}. */
    static LookupSource of(SqlLookupSource sql, HttpLookupSource http) {
        return request -> switch (request) {
            case LookupRequest.SqlQuery query -> sql.fetch(query);
            case LookupRequest.HttpGet get -> http.fetch(get);
        };
    }
}
