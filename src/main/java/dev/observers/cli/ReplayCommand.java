package dev.observers.cli;

import dev.observers.checkpoint.LagReader;
import dev.observers.checkpoint.PgCheckpointStore;
import dev.observers.checkpoint.Position;
import dev.observers.checkpoint.Replay;
import dev.observers.checkpoint.ReplayTargets;
import dev.observers.config.ObserversConfig;
import dev.observers.claim.ClaimId;
import dev.observers.postgres.Postgres;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code observers replay}: moves subscription cursors back so the next start processes a range again. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Moves the cursors of one observer (--observer), one subscription (--subscription), one"
                + " cursor (--listener) or every subscription (the default) to just before a change-log row, so the daemon's next start"
                + " processes that row and everything after it again. Effects already done within the dedup window"
                + " (OBSERVERS_DEDUP_WINDOW_SECS) are not repeated. Stop the daemon first: a running one would write"
                + " its own position over the replay's.",
        footer = {"", "FROM is a change-log pk, or " + TimeArg.FORMS + " (the first row written then or later).",
                "Moving forward (past events not processed yet) and moving while a daemon is connected are refused"
                        + " unless --force.", "",
                "Examples:", "  observers replay --from 1200", "  observers replay --observer order_paid --from 2h",
                "  observers replay --subscription search:events --from 2025-03-01T00:00:00Z",
                "  observers replay --listener 'observer:order_paid#0/4' --from 1200",
                "  observers replay --from 2025-03-01T09:00:00Z", "  observers replay --from 98000 --force"})
public class ReplayCommand implements Callable<Integer> {

    @Option(names = "--observer", paramLabel = "NAME",
            description = "Move the cursors of every partition of this observer's subscription only.")
    String observer;

    @Option(names = "--subscription", paramLabel = "ID",
            description = "Move the cursors of every partition of this subscription only (observer:<name>, or"
                    + " search:events for the search indexer).")
    String subscription;

    @Option(names = "--listener", paramLabel = "ID",
            description = "Move this one cursor only (a listener_id as observers status lists it).")
    String listener;

    @Option(names = "--from", required = true, paramLabel = "FROM",
            description = "The first row to process again: a pk or a time.")
    String from;

    @Option(names = "--force", description = "Move even forward past unprocessed events, or while a daemon is connected.")
    boolean force;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var pool = Database.ready(config, postgres);
        ReplayTargets targets = new ReplayTargets(pool);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Position> row = from.strip().matches("\\d+") ? targets.ofRow(Long.parseLong(from.strip()))
                : targets.firstAtOrAfter(time());
        if (row.isEmpty()) {
            err.println("observers replay: no change-log row " + (from.strip().matches("\\d+")
                    ? "with pk " + from.strip() : "written at or after " + time()) + "; nothing moved");
            return ExitCodes.FAILURE;
        }
        long daemons = targets.listeningDaemons();
        if (daemons > 0 && !force) {
            err.println("observers replay: " + daemons + " daemon session(s) are connected to this database (LISTEN"
                    + " observers_change_log); stop the daemon first, since its next checkpoint write would undo the"
                    + " replay (--force moves it anyway); nothing moved");
            return ExitCodes.FAILURE;
        }
        PgCheckpointStore store = new PgCheckpointStore(pool, config.checkpoint().batchSize(),
                "observers-replay@" + ProcessHandle.current().pid());
        List<String> cursors = cursors(store);
        if (cursors.isEmpty()) {
            err.println("observers replay: " + (observer != null ? "observer " + observer + " has no cursor yet"
                    : subscription != null ? subscription + " has no cursor yet" : "no subscription has a cursor yet") + " (a daemon creates them when it first runs an observer);"
                    + " nothing moved");
            return ExitCodes.FAILURE;
        }
        Position target = targets.before(row.get());
        for (String id : cursors) {
            Position current = store.load(id).orElse(Position.START);
            switch (Replay.decide(current, target, force, () -> targets.rowsBetween(current, target, LagReader.COUNT_LIMIT))) {
                case Replay.Unchanged u -> out.println(id + ": the checkpoint is already at " + u.at()
                        + ", just before row " + row.get().pk() + "; nothing moved");
                case Replay.Refused r -> {
                    err.println("observers replay: " + id + ": " + r.reason());
                    return ExitCodes.FAILURE;
                }
                case Replay.Move m -> {
                    store.moveTo(id, m.to());
                    out.println(id + ": checkpoint moved from " + m.from() + " to " + m.to() + (m.skipsForward()
                            ? "; skipped " + Human.count(targets.rowsBetween(m.from(), m.to(), LagReader.COUNT_LIMIT))
                            + " unprocessed event(s) (--force)"
                            : "; the next start processes again from row " + row.get().pk() + ": "
                            + Human.count(targets.rowsBetween(m.to(), m.from(), LagReader.COUNT_LIMIT))
                            + " event(s) already processed, then what was still pending"));
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The cursors the options name, in id order. */
    private List<String> cursors(PgCheckpointStore store) {
        long given = java.util.stream.Stream.of(observer, subscription, listener).filter(o -> o != null).count();
        if (given > 1) {
            throw new ParameterException(spec.commandLine(),
                    "--observer, --subscription and --listener name different things; give one");
        }
        if (listener != null) {
            return List.of(listener);
        }
        String only = observer != null ? ClaimId.observer(observer) : subscription;
        return store.listeners().stream()
                .filter(id -> ClaimId.parse(id).map(c -> only == null || c.subscription().equals(only)).orElse(false))
                .sorted().toList();
    }

    private Instant time() {
        try {
            return TimeArg.parse(from, Instant.now(), ZoneId.systemDefault());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--from: " + e.getMessage() + ", or a change-log pk");
        }
    }
}
