package dev.observers.cli;

import dev.observers.config.ConfigCheck;
import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Migrator;
import dev.observers.postgres.Postgres;
import io.vertx.mutiny.sqlclient.Pool;

import java.util.List;

/**
 * The database of the commands that inspect or adjust a deployment (status, dlq, replay): checked
 * configuration, with nothing configured the embedded server a running daemon started, and a schema
 * the daemon has migrated. They never migrate it themselves, so pointing one at the wrong database
 * changes nothing there.
 */
final class Database {

    private Database() {
    }

    static Pool ready(ObserversConfig config, Postgres postgres) {
        ConfigCheck.require(config);
        postgres.preferRunningEmbedded();
        Pool pool = postgres.pool();
        List<String> pending;
        try {
            pending = new Migrator(pool).pending();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException("cannot query PostgreSQL at " + postgres.url().redacted() + ": "
                    + String.valueOf(root.getMessage()).replaceFirst("^\\S*Exception: ", ""));
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(postgres.url().redacted() + " lacks the observers schema ("
                    + String.join(", ", pending) + " not applied): run `observers migrate` or start the daemon first");
        }
        return pool;
    }
}
