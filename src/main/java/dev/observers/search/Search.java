package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.observers.config.HttpUrl;
import dev.observers.config.ObserversConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Optional;

/** The Elasticsearch cluster events are indexed into, when one is configured; search is off otherwise. */
@Singleton
public class Search {

    private static final Logger LOG = Logger.getLogger(Search.class);

    private final ObserversConfig config;
    private ElasticsearchClient client;
    private boolean resolved;

    @Inject
    public Search(ObserversConfig config) {
        this.config = config;
    }

    /** The client, or empty (logged once) when {@code OBSERVERS_ELASTICSEARCH_URL} is not set. */
    public synchronized Optional<ElasticsearchClient> client() {
        if (!resolved) {
            resolved = true;
            Optional<String> url = config.elasticsearch().url();
            if (url.isEmpty()) {
                LOG.info("OBSERVERS_ELASTICSEARCH_URL not set: search indexing is off");
            } else {
                client = SearchClients.create(HttpUrl.parse(url.get()), config.elasticsearch().compatibility());
            }
        }
        return Optional.ofNullable(client);
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            try {
                client._transport().close();
            } catch (IOException e) {
                LOG.warnf("Elasticsearch client did not close cleanly: %s", e.getMessage());
            }
        }
    }
}
