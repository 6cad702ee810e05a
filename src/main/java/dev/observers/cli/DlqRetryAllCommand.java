package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.dispatch.DeadLetterRetry;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.dispatch.StoredDeadLetter;
import dev.observers.observer.ObserverCatalog;
import dev.observers.postgres.Postgres;
import dev.observers.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code observers dlq retry-all}: every unresolved dead letter (of one observer) run again, oldest first. */
@Command(name = "retry-all", mixinStandardHelpOptions = true,
        description = "Retries every unresolved dead letter, oldest first, one line per item and a summary. Items of"
                + " observers that no longer exist, and unreadable rows, are reported, not retried.",
        footer = {"", "Exit status: 0 when every item was resolved, 1 when any is left.", "",
                "Examples:", "  OBSERVERS_CONFIG=observers.yaml observers dlq retry-all",
                "  OBSERVERS_CONFIG=observers.yaml observers dlq retry-all --observer order_shipped --dry-run"})
public class DlqRetryAllCommand implements Callable<Integer> {

    private static final int PAGE = 500;

    @Option(names = "--observer", paramLabel = "NAME", description = "Only this observer's items.")
    String observer;

    @Option(names = "--dry-run", description = "List what would be retried and what cannot be; change nothing.")
    boolean dryRun;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Inject
    Redis redis;

    @Inject
    ObserverCatalog catalog;

    @Inject
    MeterRegistry registry;

    @Spec
    CommandSpec spec;

    /** {@code observer notify, action 0 (webhook), row 42}: the item in one phrase. */
    static String describe(StoredDeadLetter d) {
        return (d.observer() == null ? "unreadable row" : "observer " + d.observer() + ", action " + DeadLetterView.action(d))
                + ", row " + d.changeLogPk();
    }

    @Override
    public Integer call() throws InterruptedException {
        var pool = Database.ready(config, postgres);
        DeadLetterTable table = new DeadLetterTable(pool);
        PrintWriter out = spec.commandLine().getOut();
        int resolved = 0;
        int failing = 0;
        int skipped = 0;
        int wouldRetry = 0;
        try (Retries retries = new Retries(config, pool, redis, catalog, registry)) {
            long after = 0;
            List<StoredDeadLetter> page;
            do {
                page = table.open(Optional.ofNullable(observer), after, PAGE);
                for (StoredDeadLetter item : page) {
                    after = item.id();
                    String line = "dead letter " + item.id() + " (" + describe(item) + "): ";
                    if (dryRun) {
                        Optional<String> refusal = retries.retry().refusal(item);
                        out.println(line + refusal.map(r -> "would not retry: " + r).orElse("would retry"));
                        if (refusal.isPresent()) {
                            skipped++;
                        } else {
                            wouldRetry++;
                        }
                        continue;
                    }
                    DeadLetterRetry.Outcome outcome = retries.retry().retry(item);
                    switch (outcome) {
                        case DeadLetterRetry.Resolved r -> resolved++;
                        case DeadLetterRetry.StillFailing f -> failing++;
                        case DeadLetterRetry.NotRetried n -> skipped++;
                    }
                    out.println(line + label(outcome) + outcome.message());
                    out.flush();
                }
            } while (page.size() == PAGE);
        }
        String whose = observer == null ? "" : " of observer " + observer;
        if (dryRun) {
            out.println("dry run" + whose + ": " + wouldRetry + " would be retried, " + skipped + " would not; nothing changed");
            out.flush();
            return ExitCodes.OK;
        }
        out.println("retried" + whose + ": " + resolved + " resolved, " + failing + " failed again, " + skipped
                + " not retried");
        out.flush();
        return failing + skipped == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static String label(DeadLetterRetry.Outcome outcome) {
        return switch (outcome) {
            case DeadLetterRetry.Resolved r -> "resolved: ";
            case DeadLetterRetry.StillFailing f -> "failed again, kept: ";
            case DeadLetterRetry.NotRetried n -> "not retried: ";
        };
    }
}
