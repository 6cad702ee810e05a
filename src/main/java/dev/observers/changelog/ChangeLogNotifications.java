package dev.observers.changelog;

import dev.observers.postgres.Postgres;
import dev.observers.config.PgUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The LISTEN side of the change-log trigger: one connection that wakes every listener when rows
 * commit. It reconnects forever; each (re)connection also wakes the listeners, since notifications
 * sent while it was down are lost. Polling covers the gap either way.
 */
public final class ChangeLogNotifications implements AutoCloseable {

    public static final String CHANNEL = "observers_change_log";

    private static final Logger LOG = Logger.getLogger(ChangeLogNotifications.class);

    private final List<Runnable> wakers = new CopyOnWriteArrayList<>();
    private final PgSubscriber subscriber;
    private volatile boolean connectedOnce;
    private volatile boolean closed;

    public ChangeLogNotifications(Vertx vertx, PgUrl url) {
        subscriber = PgSubscriber.subscriber(vertx, Postgres.connectOptions(url))
                .reconnectPolicy(retries -> 1_000L);
        subscriber.closeHandler(v -> {
            if (!closed) {
                LOG.warn("lost the LISTEN connection; polling until it is back");
            }
        });
        subscriber.channel(CHANNEL)
                .subscribeHandler(v -> {
                    if (connectedOnce) {
                        LOG.info("LISTEN connection restored");
                    }
                    connectedOnce = true;
                    wakeAll();
                })
                .handler(payload -> wakeAll());
    }

    public void onNotify(Runnable waker) {
        wakers.add(waker);
    }

    /** Connects; a failure is logged, not thrown, and retried: listeners poll until a connection succeeds. */
    public void start() {
        if (connect()) {
            return;
        }
        Thread.ofVirtual().name("listen-connect").start(() -> {
            while (!closed && !connect()) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private boolean connect() {
        try {
            subscriber.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            LOG.warnf("cannot LISTEN on %s yet (%s); polling meanwhile", CHANNEL, e.getMessage());
            return false;
        }
    }

    private void wakeAll() {
        wakers.forEach(Runnable::run);
    }

    @Override
    public void close() {
        closed = true;
        subscriber.close();
    }
}
