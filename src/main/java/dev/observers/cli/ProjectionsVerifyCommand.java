package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import dev.observers.projection.ProjectionMaintenance;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code observers projections verify [TABLE]}: each tv_* table against its view, exit 1 on any difference. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compares each projection's table with its view (row counts, and an md5 of every row's"
                + " document) and lists the rows that differ. Exit 0 when all are equal, 1 when any differs.",
        footer = {"", "Examples:", "  OBSERVERS_CONFIG=observers.yaml observers projections verify",
                "  OBSERVERS_CONFIG=observers.yaml observers projections verify tv_post --show 100"})
public class ProjectionsVerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TABLE", description = "Only this projection.")
    String table;

    @Option(names = "--show", paramLabel = "N", defaultValue = "20", description = "Differences to list (default 20).")
    int show;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var projections = ProjectionsCommand.defined(config, spec, table);
        PrintWriter out = spec.commandLine().getOut();
        boolean allEqual = true;
        for (ProjectionMaintenance m : ProjectionsCommand.maintenance(Database.ready(config, postgres), projections)) {
            ProjectionMaintenance.Report r = m.verify(show);
            allEqual &= r.equal();
            out.printf("%s: %d rows, view %d rows, %s%n", r.table(), r.tableRows(), r.viewRows(),
                    r.equal() ? "equal" : r.differences() + " row(s) differ");
            for (ProjectionMaintenance.Difference d : r.first()) {
                out.printf("  %-8s %s%n", d.kind(), d.id());
            }
            if (r.differences() > r.first().size()) {
                out.printf("  ... and %d more%n", r.differences() - r.first().size());
            }
        }
        out.flush();
        return allEqual ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
