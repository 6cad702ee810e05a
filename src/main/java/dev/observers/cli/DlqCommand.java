package dev.observers.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code observers dlq}: the dead-letter table for operators. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Lists, shows, retries and purges dead letters (core.observer_dead_letters). A retry runs the"
                + " action again through the daemon's path: the observers in force now, the observer's retry policy,"
                + " the dedup window; a success resolves the item.",
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqRetryCommand.class, DlqRetryAllCommand.class,
                DlqPurgeCommand.class},
        footer = {"", "Examples:", "  observers dlq list --observer order_shipped",
                "  observers dlq show 42", "  OBSERVERS_CONFIG=observers.yaml observers dlq retry 42",
                "  OBSERVERS_CONFIG=observers.yaml observers dlq retry-all --observer order_shipped --dry-run",
                "  observers dlq purge --resolved-only --before 7d"})
public class DlqCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("observers dlq: name a subcommand (list, show, retry, retry-all, purge)");
        return ExitCodes.CONFIG;
    }
}
