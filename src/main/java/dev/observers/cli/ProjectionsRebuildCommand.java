package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import dev.observers.projection.ProjectionMaintenance;
import dev.observers.projection.ProjectionRefresher;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code observers projections rebuild TABLE}: recomputes a tv_* table from its view, in batches. */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = "Recomputes every row of a projection from its view in batches (writing only rows whose"
                + " document changed, deleting rows the view no longer has), with a progress bar. Safe while the"
                + " daemon runs and writers write: each batch takes the same lock as the daemon's refreshes.",
        footer = {"", "Examples:", "  OBSERVERS_CONFIG=observers.yaml observers projections rebuild tv_post",
                "  OBSERVERS_CONFIG=observers.yaml observers projections rebuild blog.tv_post --batch 5000"})
public class ProjectionsRebuildCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TABLE", description = "The projection to rebuild.")
    String table;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000", description = "Rows per batch (default 1000).")
    int batch;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var projections = ProjectionsCommand.defined(config, spec, table);
        ProjectionMaintenance m = ProjectionsCommand.maintenance(Database.ready(config, postgres), projections).getFirst();
        long started = System.nanoTime();
        ProgressBar[] bar = new ProgressBar[1];
        ProjectionRefresher.Outcome outcome = m.rebuild(Math.max(1, batch), (done, total) -> {
            if (bar[0] == null) {
                bar[0] = new ProgressBar("rebuild " + table, total);
            }
            bar[0].update(done, "rows");
        });
        if (bar[0] != null) {
            bar[0].finish(outcome.ids(), "rows");
        }
        spec.commandLine().getOut().printf("%s rebuilt in %.1f s: %d rows recomputed, %d written, %d unchanged,"
                        + " %d deleted%n", table, (System.nanoTime() - started) / 1e9, outcome.ids(), outcome.written(),
                outcome.unchanged(), outcome.deleted());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
