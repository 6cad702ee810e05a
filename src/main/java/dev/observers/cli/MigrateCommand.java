package dev.observers.cli;

import dev.observers.config.ConfigCheck;
import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Applies the schema migrations (change log, checkpoints, dead letters) and exits.",
        footer = {"", "Examples:", "  OBSERVERS_DB_URL=postgresql://app@db:5432/app observers migrate"})
public class MigrateCommand implements Callable<Integer> {

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Override
    public Integer call() {
        ConfigCheck.require(config);
        List<String> applied = postgres.migrate();
        System.out.println(applied.isEmpty()
                ? "schema of " + postgres.url().redacted() + " is up to date"
                : "applied " + String.join(", ", applied) + " to " + postgres.url().redacted());
        return ExitCodes.OK;
    }
}
