package dev.observers.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command explains itself: a description and examples in its --help, and nothing else on stderr. */
class HelpTest {

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    private static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(ObserversCommand.class), all);
        return all;
    }

    @Test
    void everySubcommandsHelpHasADescriptionAndExamples() {
        List<CommandLine> all = commands();
        assertThat(all).extracting(CommandLine::getCommandName).contains("status", "metrics", "dlq", "list", "show",
                "retry", "retry-all", "purge", "replay");
        for (CommandLine command : all.subList(1, all.size())) {
            String help = command.getUsageMessage();
            assertThat(command.getCommandSpec().usageMessage().description()).as(command.getCommandName()).isNotEmpty();
            assertThat(help).as(command.getCommandName()).contains("Examples:", "--help");
        }
    }

    @Test
    void helpOfEveryCommandPrintsNoWarning() {
        PrintStream stderr = System.err;
        for (CommandLine command : commands()) {
            List<String> path = new ArrayList<>();
            for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
                path.addFirst(c.getCommandName());
            }
            path.add("--help");
            ByteArrayOutputStream traced = new ByteArrayOutputStream();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit;
            System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
            try {
                CommandLine root = new CommandLine(ObserversCommand.class);
                root.setOut(new PrintWriter(out, true));
                root.setErr(new PrintWriter(err, true));
                exit = root.execute(path.toArray(String[]::new));
            } finally {
                System.setErr(stderr);
            }
            String where = String.join(" ", path);
            assertThat(exit).as(where).isZero();
            assertThat(out.toString()).as(where).contains("Usage:");
            assertThat(err.toString() + traced.toString(StandardCharsets.UTF_8)).as(where).isEmpty();
        }
    }
}
