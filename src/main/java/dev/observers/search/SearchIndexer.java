package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import dev.observers.action.EventJson;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventHandler;
import dev.observers.dispatch.DeadLetter;
import dev.observers.dispatch.DeadLetterStore;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.dispatch.StoredDeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The search subscription's sink: every event, matched by an observer or not, goes to Elasticsearch
 * through the client's {@link BulkIngester} (flushed by count, bytes or interval, a bounded number of
 * bulks in flight) as a {@code create} of {@link SearchDocument}. Outcomes are per item: created, or
 * 409 (the document is there already: a replay or a retry whose answer was lost) completes the event;
 * 429 and 5xx retry that item alone with backoff; any other refusal (a mapping conflict, a parse error)
 * dead-letters the event with the reason, and completes it. A failed request retries all of its items;
 * one the node refuses as too large (413) is sent again in halves until the parts are accepted.
 * An event counts as complete only then, so the subscription's cursor passes only acknowledged events,
 * and its in-flight bound bounds what waits here while the cluster is down. The template (and
 * lifecycle) is installed before the first document, retried in the background while the cluster is
 * unreachable; the log pump is never blocked.
 */
public final class SearchIndexer implements AutoCloseable {

    /** The subscription id of the search indexer. */
    public static final String SUBSCRIPTION = "search:events";

    /** The error kind of the dead letters of events Elasticsearch refused. */
    public static final String DEAD_LETTER_KIND = StoredDeadLetter.INDEX_REJECTED;

    private static final Logger LOG = Logger.getLogger(SearchIndexer.class);
    private static final int FEEDERS = 2;
    private static final RetryPolicy RETRIES = RetryPolicy.backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

    /** What must succeed once before documents are sent: the template (and lifecycle policy). */
    @FunctionalInterface
    public interface Setup {
        void run() throws Exception;
    }

    /** Bulk knobs. */
    public record Settings(String prefix, int bulkSize, long bulkMaxBytes, Duration flushInterval,
                           int maxConcurrentRequests) {
    }

    /**
     * One event on its way: its document (written by a feeder, then kept for retries), how to complete
     * it, and the attempts so far.
     */
    private record Pending(ChangeEvent event, SearchDocument document, Runnable done, int attempt) {
        Pending next() {
            return new Pending(event, document, done, attempt + 1);
        }

        Pending written(String prefix) {
            return document != null ? this : new Pending(event, SearchDocument.of(prefix, event), done, attempt);
        }
    }

    private final ElasticsearchClient client;
    private final Settings settings;
    private final DeadLetterStore deadLetters;
    private final BulkIngester<Pending> ingester;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("search-retries").daemon().factory());
    private final Counter indexed;
    private final Counter alreadyIndexed;
    private final Counter retried;
    private final Counter rejected;
    private final List<Thread> feeders = new java.util.ArrayList<>();
    private final java.util.concurrent.CountDownLatch setUp = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile String lastError;

    SearchIndexer(ElasticsearchClient client, Settings settings, Setup setup, DeadLetterStore deadLetters,
                  MeterRegistry registry) {
        this.client = client;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.ingester = BulkIngester.of(b -> b.client(client)
                .maxOperations(settings.bulkSize())
                .maxSize(settings.bulkMaxBytes())
                .maxConcurrentRequests(settings.maxConcurrentRequests())
                .flushInterval(settings.flushInterval().toMillis(), TimeUnit.MILLISECONDS)
                .listener(new Outcomes()));
        this.indexed = Counter.builder("observer_search_documents_indexed_total")
                .description("Events indexed into Elasticsearch").register(registry);
        this.alreadyIndexed = Counter.builder("observer_search_documents_existing_total")
                .description("Events whose document was there already (a replay or a retried bulk): not indexed twice")
                .register(registry);
        this.retried = Counter.builder("observer_search_retries_total")
                .description("Documents sent again after a 429, a 5xx or a failed bulk request").register(registry);
        this.rejected = Counter.builder("observer_search_documents_rejected_total")
                .description("Events Elasticsearch refused for good (dead-lettered)").register(registry);
        Gauge.builder("observer_search_pending", queue, q -> q.size() + ingester.pendingOperations())
                .description("Documents waiting to be sent").register(registry);
        Gauge.builder("observer_search_available", this, i -> i.ready && i.lastError == null ? 1 : 0)
                .description("1 while Elasticsearch takes documents (template installed, last bulk answered)")
                .register(registry);
        feeders.add(Thread.ofVirtual().name("search-setup").start(() -> setUp(setup)));
        for (int i = 0; i < FEEDERS; i++) {
            feeders.add(Thread.ofVirtual().name("search-feeder-" + i).start(this::feed));
        }
    }

    /** Starts indexing into {@code client} once {@code setup} has succeeded. */
    public static SearchIndexer start(ElasticsearchClient client, Settings settings, Setup setup,
                                      DeadLetterStore deadLetters, MeterRegistry registry) {
        return new SearchIndexer(client, settings, setup, deadLetters, registry);
    }

    /** Sends what is buffered now rather than at the flush interval (a graceful stop). */
    public void flush() {
        ingester.flush();
    }

    /** What a search claim hands its rows to; rows that are not events need no document. */
    public EventHandler handler() {
        return batch -> {
            for (EventHandler.Item item : batch) {
                switch (item) {
                    case EventHandler.Event e -> queue.add(new Pending(e.event(), null, e.onComplete(), 1));
                    case EventHandler.Refused r -> r.onComplete().run();
                }
            }
        };
    }

    /**
     * The fewest events a search cursor must be allowed in flight so that reading never waits while
     * the bulks are busy: every request in flight full, the next one filling, and two reads of
     * {@code chunk} rows on their way. Below it a slow bulk (a Lucene flush stalls one for seconds)
     * would stop the reads and idle the other requests.
     */
    public int minInFlight(int chunk) {
        long needed = (long) (settings.maxConcurrentRequests() + 1) * settings.bulkSize() + 2L * chunk;
        return (int) Math.min(Integer.MAX_VALUE, needed);
    }

    /** Whether the template is installed and documents are being sent. */
    public boolean ready() {
        return ready;
    }

    /** The last failure talking to Elasticsearch; null once a bulk succeeds again. */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        closed = true;
        feeders.forEach(Thread::interrupt);
        retries.shutdownNow();
        ingester.close();
    }

    private void setUp(Setup setup) {
        for (int failures = 1; !closed; failures++) {
            try {
                setup.run();
                ready = true;
                lastError = null;
                setUp.countDown();
                return;
            } catch (Exception e) {
                lastError = e.getMessage();
                Duration delay = RETRIES.delayAfter(failures, ThreadLocalRandom.current().nextDouble());
                if (failures == 1) {
                    LOG.warnf("Elasticsearch: cannot install the index template (%s); indexing waits and retries"
                            + " (every %d ms at first)", e.getMessage(), delay.toMillis());
                }
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Moves documents from the queue into the ingester (which may block while its bulks are in flight). */
    private void feed() {
        try {
            setUp.await();
        } catch (InterruptedException e) {
            return;
        }
        while (!closed) {
            Pending p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            Pending written = p.written(settings.prefix());
            ingester.add(create(written.document()), written);
        }
    }

    /**
     * The bulk operation of {@code d}: the ingester sizes the bulk by the document's bytes and sends
     * them as they are.
     */
    private static BulkOperation create(SearchDocument d) {
        BinaryData body = BinaryData.of(d.source(), ContentType.APPLICATION_JSON);
        return BulkOperation.of(o -> o.create(c -> c.index(d.index()).id(d.id()).document(body)));
    }

    private void retry(Pending p, String why) {
        retried.increment();
        Duration delay = RETRIES.delayAfter(p.attempt(), ThreadLocalRandom.current().nextDouble());
        if (p.attempt() == 1 || p.attempt() % 10 == 0) {
            LOG.debugf("event %s: %s; indexing again in %d ms (attempt %d)", p.event().id(), why, delay.toMillis(),
                    p.attempt() + 1);
        }
        try {
            retries.schedule(() -> queue.add(p.next()), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the event stays unfinished and is indexed again after the restart
        }
    }

    private void reject(Pending p, String reason) {
        rejected.increment();
        LOG.warnf("event %s (row %d) refused by Elasticsearch for good: %s; dead-lettered", p.event().id(),
                p.event().pk(), reason);
        Thread.ofVirtual().name("search-dead-letter").start(() -> {
            DeadLetter letter = new DeadLetter(SUBSCRIPTION, p.event().pk(), p.event().id(), p.event().entityType(),
                    p.event().entityId(), SUBSCRIPTION, null, "index", EventJson.of(p.event()), reason,
                    DEAD_LETTER_KIND, p.attempt());
            for (int failures = 1; !closed; failures++) {
                try {
                    deadLetters.add(letter);
                    p.done().run();
                    return;
                } catch (RuntimeException e) {
                    try {
                        Thread.sleep(RETRIES.delayAfter(failures, 0.5).toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
    }

    private void outcomes(List<Pending> contexts, BulkResponse response) {
        List<BulkResponseItem> items = response.items();
        for (int i = 0; i < contexts.size(); i++) {
            Pending p = contexts.get(i);
            BulkResponseItem item = i < items.size() ? items.get(i) : null;
            if (item == null) {
                retry(p, "no answer for the item");
                continue;
            }
            int status = item.status();
            if (item.error() == null && status < 300) {
                indexed.increment();
                p.done().run();
            } else if (status == 409) {
                alreadyIndexed.increment();
                p.done().run();
            } else if (status == 429 || status >= 500) {
                retry(p, "answered " + status + (item.error() == null ? "" : " " + item.error().type()));
            } else {
                reject(p, status + " " + (item.error() == null ? "refused" : describe(item.error())));
            }
        }
    }

    /** Whether a request failed because the node accepts no body that large (413, http.max_content_length). */
    private static boolean tooLarge(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return (cause instanceof TransportException t && t.statusCode() == 413)
                || (cause instanceof ElasticsearchException e && e.status() == 413);
    }

    /**
     * Sends a bulk the node refused as too large in halves, directly, until each part is accepted; a
     * single document still too large is dead-lettered. Outcomes per item as for any bulk.
     */
    private void split(List<Pending> contexts) {
        if (contexts.size() == 1) {
            reject(contexts.getFirst(), "413 the document is larger than the node accepts (http.max_content_length)");
            return;
        }
        int half = contexts.size() / 2;
        for (List<Pending> part : List.of(contexts.subList(0, half), contexts.subList(half, contexts.size()))) {
            try {
                BulkResponse response = client.bulk(b -> {
                    for (Pending p : part) {
                        b.operations(create(p.document()));
                    }
                    return b;
                });
                outcomes(part, response);
            } catch (Exception e) {
                if (tooLarge(e)) {
                    split(part);
                } else {
                    part.forEach(p -> retry(p, e.getMessage()));
                }
            }
        }
    }

    /** An item's error with the causes Elasticsearch nests inside it: the innermost usually says why. */
    static String describe(ErrorCause error) {
        StringBuilder sb = new StringBuilder(error.type()).append(": ").append(error.reason());
        for (ErrorCause cause = error.causedBy(); cause != null; cause = cause.causedBy()) {
            sb.append(" (caused by ").append(cause.type()).append(": ").append(cause.reason()).append(')');
        }
        return sb.toString();
    }

    /** Sorts each item of each bulk into done, retried or dead-lettered. */
    private final class Outcomes implements BulkListener<Pending> {

        @Override
        public void beforeBulk(long executionId, BulkRequest request, List<Pending> contexts) {
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, BulkResponse response) {
            if (lastError != null) {
                LOG.info("Elasticsearch answers bulk requests again");
                lastError = null;
            }
            outcomes(contexts, response);
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, Throwable failure) {
            if (tooLarge(failure)) {
                LOG.infof("a bulk of %d document(s) is larger than Elasticsearch accepts (413); sending it in halves"
                        + " (lower OBSERVERS_ELASTICSEARCH_BULK_MAX_BYTES to avoid this)", contexts.size());
                Thread.ofVirtual().name("search-split").start(() -> split(contexts));
                return;
            }
            String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            if (lastError == null) {
                LOG.warnf("Elasticsearch bulk request failed (%s); its %d document(s) are sent again with backoff",
                        message, contexts.size());
            }
            lastError = message;
            contexts.forEach(p -> retry(p, message));
        }
    }
}
