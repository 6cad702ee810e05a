package dev.observers.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command explains itself: a description and examples in its --help. */
class HelpTest {

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    @Test
    void everySubcommandsHelpHasADescriptionAndExamples() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(ObserversCommand.class), all);
        assertThat(all).extracting(CommandLine::getCommandName).contains("status", "metrics", "dlq", "list", "show",
                "retry", "retry-all", "purge", "replay");
        for (CommandLine command : all.subList(1, all.size())) {
            String help = command.getUsageMessage();
            assertThat(command.getCommandSpec().usageMessage().description()).as(command.getCommandName()).isNotEmpty();
            assertThat(help).as(command.getCommandName()).contains("Examples:", "--help");
        }
    }
}
