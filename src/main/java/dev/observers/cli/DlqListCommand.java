package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.dispatch.StoredDeadLetter;
import dev.observers.postgres.Postgres;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code observers dlq list}: the unresolved dead letters, oldest first. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists unresolved dead letters, oldest first.",
        footer = {"", "Examples:", "  observers dlq list", "  observers dlq list --observer order_shipped --limit 200"})
public class DlqListCommand implements Callable<Integer> {

    @Option(names = "--observer", paramLabel = "NAME", description = "Only this observer's items.")
    String observer;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N items (default: ${DEFAULT-VALUE}).")
    int limit;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        DeadLetterTable table = new DeadLetterTable(Database.ready(config, postgres));
        List<StoredDeadLetter> items = table.open(Optional.ofNullable(observer), 0, limit);
        long total = table.openCounts().stream()
                .filter(c -> observer == null || observer.equals(c.observer()))
                .mapToLong(DeadLetterTable.Count::count).sum();
        PrintWriter out = spec.commandLine().getOut();
        String whose = observer == null ? "" : " of observer " + observer;
        if (items.isEmpty()) {
            out.println("no unresolved dead letters" + whose);
        } else {
            out.print(DeadLetterView.table(items));
            out.println(items.size() < total
                    ? "showing " + items.size() + " of " + Human.count(total) + " unresolved" + whose + "; --limit shows more"
                    : Human.count(total) + " unresolved" + whose);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
