package dev.observers.lookup;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Data an observer fetches for each event before its condition and actions run (FraiseQL's
 * {@code user = api.get_user(event.user_id)}), declared under {@code lookups:} and available to
 * conditions and templates under {@link #name()}. Parsed by {@link LookupParser}.
 */
public sealed interface LookupDefinition {

    /** The name its result is found under; unique within one observer. */
    String name();

    /** How long its result stays in Redis; empty means {@code OBSERVERS_CACHE_TTL_SECS}. */
    Optional<Duration> ttl();

    /**
     * A query against the source database: {@code $1}, {@code $2}, … are bound to {@code params}, read
     * from the event in order. One row gives an object, none null, several an array of objects.
     */
    record Sql(String name, String query, List<EventPath> params, Optional<Duration> ttl) implements LookupDefinition {
        public Sql {
            params = List.copyOf(params);
        }
    }

    /**
     * An HTTP GET of {@code urlTemplate} rendered against the event ({@code {{ data.city }}}, values
     * URL-encoded), with {@code headers} rendered the same way (values as they are). A JSON response
     * body gives its value, any other body its text.
     */
    record Http(String name, String urlTemplate, Map<String, String> headers, Optional<Duration> ttl)
            implements LookupDefinition {
        public Http {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }
    }
}
