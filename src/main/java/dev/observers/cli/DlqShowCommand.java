package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.postgres.Postgres;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code observers dlq show ID}: one dead letter in full, with its event. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Shows one dead letter: observer, action, row, error, attempts, times and the stored event.",
        footer = {"", "Examples:", "  observers dlq show 42"})
public class DlqShowCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The dead letter's id (the ID column of dlq list).")
    long id;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var item = new DeadLetterTable(Database.ready(config, postgres)).get(id);
        if (item.isEmpty()) {
            spec.commandLine().getErr().println("observers dlq show: no dead letter with id " + id);
            return ExitCodes.FAILURE;
        }
        spec.commandLine().getOut().print(DeadLetterView.detail(item.get()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
