package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.postgres.Postgres;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code observers dlq purge}: deletes dead letters for good. */
@Command(name = "purge", mixinStandardHelpOptions = true,
        description = "Deletes dead letters last failed (or resolved) before a time, only resolved ones, or both."
                + " At least one of --before and --resolved-only is required, so nothing is purged by accident.",
        footer = {"", "T is " + TimeArg.FORMS + ".", "",
                "Examples:", "  observers dlq purge --resolved-only", "  observers dlq purge --before 30d",
                "  observers dlq purge --resolved-only --before 2025-03-01"})
public class DlqPurgeCommand implements Callable<Integer> {

    @Option(names = "--before", paramLabel = "T", description = "Only items last touched before T.")
    String before;

    @Option(names = "--resolved-only", description = "Only resolved items.")
    boolean resolvedOnly;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (before == null && !resolvedOnly) {
            throw new ParameterException(spec.commandLine(),
                    "say what to purge: --before T, --resolved-only, or both (--before now purges everything)");
        }
        Optional<Instant> until;
        try {
            until = Optional.ofNullable(before).map(t -> TimeArg.parse(t, Instant.now(), ZoneId.systemDefault()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--before: " + e.getMessage());
        }
        int purged = new DeadLetterTable(Database.ready(config, postgres))
                .purge(until.map(t -> t.atOffset(ZoneOffset.UTC)), resolvedOnly);
        spec.commandLine().getOut().println("purged " + purged + " dead letter" + (purged == 1 ? "" : "s")
                + (resolvedOnly ? ", resolved ones" : "") + until.map(t -> ", last touched before " + t).orElse(""));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
