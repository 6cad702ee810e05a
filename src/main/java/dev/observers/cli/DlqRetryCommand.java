package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.dispatch.DeadLetterRetry;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.observer.ObserverCatalog;
import dev.observers.postgres.Postgres;
import dev.observers.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code observers dlq retry ID}: runs one dead letter's work again. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Runs one dead letter's action again with the observers in force (OBSERVERS_CONFIG and"
                + " tb_observer), the observer's retry policy and the dedup window. Resolved on success; on failure"
                + " the new error and attempts are recorded and the item stays.",
        footer = {"", "Exit status: 0 when the item was resolved, 1 when it failed again or cannot be retried.", "",
                "Examples:", "  OBSERVERS_CONFIG=observers.yaml observers dlq retry 42"})
public class DlqRetryCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The dead letter's id (the ID column of dlq list).")
    long id;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Inject
    Redis redis;

    @Inject
    ObserverCatalog catalog;

    @Inject
    MeterRegistry registry;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        var pool = Database.ready(config, postgres);
        var item = new DeadLetterTable(pool).get(id);
        PrintWriter err = spec.commandLine().getErr();
        if (item.isEmpty()) {
            err.println("observers dlq retry: no dead letter with id " + id);
            return ExitCodes.FAILURE;
        }
        try (Retries retries = new Retries(config, pool, redis, catalog, registry)) {
            DeadLetterRetry.Outcome outcome = retries.retry().retry(item.get());
            String line = "dead letter " + id + " (" + DlqRetryAllCommand.describe(item.get()) + "): ";
            if (outcome instanceof DeadLetterRetry.Resolved) {
                spec.commandLine().getOut().println(line + "resolved: " + outcome.message());
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
            err.println(line + (outcome instanceof DeadLetterRetry.StillFailing ? "failed again, kept: " : "not retried: ")
                    + outcome.message());
            err.flush();
            return ExitCodes.FAILURE;
        }
    }
}
