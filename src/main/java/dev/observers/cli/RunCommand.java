package dev.observers.cli;

import dev.observers.config.ConfigCheck;
import dev.observers.config.ObserversConfig;
import dev.observers.daemon.Daemon;
import dev.observers.postgres.Postgres;
import dev.observers.redis.Redis;
import dev.observers.search.Search;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the daemon until SIGTERM/SIGINT. With no OBSERVERS_DB_URL / OBSERVERS_REDIS_URL it starts"
                + " an embedded PostgreSQL and Redis.",
        footer = {"", "Examples:", "  observers run",
                "  OBSERVERS_DB_URL=postgresql://app:secret@db:5432/app OBSERVERS_REDIS_URL=redis://cache:6379 \\",
                "    OBSERVERS_CONFIG=observers.yaml observers run"})
public class RunCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(RunCommand.class);

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Inject
    Redis redis;

    @Inject
    Search search;

    @Inject
    Daemon daemon;

    /** A requested stop is a clean stop: exit 0, not 128 + signal, so supervisors see a graceful shutdown. */
    private static void exitZeroOn(String signal) {
        Signal.handle(new Signal(signal), s -> Quarkus.asyncExit(ExitCodes.OK));
    }

    @Override
    public Integer call() throws InterruptedException {
        // Before anything can report ready: a supervisor that stops the daemon as soon as it is ready must
        // see a clean exit, not the JVM's default 143.
        exitZeroOn("TERM");
        exitZeroOn("INT");
        ConfigCheck.require(config);
        if (config.db().migrate()) {
            postgres.migrate();
        }
        postgres.pool().query("SELECT 1").execute().await().indefinitely();
        redis.url();
        search.client();
        daemon.start(config.config().map(Path::of));
        LOG.infof("observers running: database %s, redis %s, metrics on port %d", postgres.url().redacted(),
                redis.url().redacted(), config.httpPort());
        Quarkus.waitForExit();
        LOG.info("stopping: no new reads, finishing in-flight events");
        int unfinished = daemon.stop();
        if (unfinished > 0) {
            LOG.warnf("%d event(s) were still running at the shutdown deadline; they are replayed at the next start",
                    unfinished);
        }
        return ExitCodes.OK;
    }
}
