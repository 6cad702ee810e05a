package dev.observers.cli;

import dev.observers.checkpoint.LagReader;
import dev.observers.config.ObserversConfig;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.postgres.Postgres;
import dev.observers.retention.Horizon;
import dev.observers.retention.RetentionPeriod;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code observers status}: where every listener stands and what waits in the dead-letter table, from the database alone. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows each subscription cursor (observer:<name>#<partition>/<partitions>): the daemon that claims it, its checkpoint, how far it is behind the change log (events and the age of the"
                + " oldest unprocessed one), its last error, unresolved dead letters by observer and error kind, and the change log's size,"
                + " oldest row and retention with the cursor that holds it back."
                + " Reads the database only; the daemon need not run.",
        footer = {"", "Events behind are counted up to 1,000,000; beyond that status says \"> 1,000,000\".", "",
                "Examples:", "  observers status",
                "  OBSERVERS_DB_URL=postgresql://app@db:5432/app observers status --json | jq '.listeners[] | {listener, claimed_by, events_behind}'"})
public class StatusCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the same figures as JSON.")
    boolean json;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var pool = Database.ready(config, postgres);
        StatusReport report = new StatusReport(new LagReader(pool).all(List.of()),
                new DeadLetterTable(pool).openCounts(), Instant.now(),
                config.changelog().retention().map(RetentionPeriod::parse), Optional.of(Horizon.read(pool)));
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() : report.text());
        out.flush();
        return ExitCodes.OK;
    }
}
