package dev.observers.cli;

import picocli.CommandLine.Command;

/** The {@code observers} command and its subcommands. */
@Command(name = "observers", mixinStandardHelpOptions = true, version = "observers 0.1.0",
        description = "Turns committed changes in PostgreSQL's tb_entity_change_log into reliable side effects.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, MigrateCommand.class, ConfigCommand.class,
                StatusCommand.class, DlqCommand.class, ReplayCommand.class, ProjectionsCommand.class,
                MetricsCommand.class})
public class ObserversCommand {
}
