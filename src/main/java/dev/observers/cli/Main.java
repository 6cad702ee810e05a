package dev.observers.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import dev.observers.config.ConfigPreflight;
import dev.observers.config.InvalidConfigException;
import dev.observers.observer.ObserverConfigException;
import org.jboss.logging.Logger;
import picocli.CommandLine;

import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Entry point. Only the commands that serve metrics and health open the HTTP port, so
 * {@code observers status} can run beside a running daemon, and only they log Quarkus' start-up.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    private static final Set<String> SERVING_COMMANDS = Set.of("run", "demo");

    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        List<String> problems = ConfigPreflight.problems();
        if (!problems.isEmpty()) {
            problems.forEach(problem -> System.err.println("observers: " + problem));
            // Quarkus' own exit path, so a test harness that launches main in-process gets the code too.
            BiConsumer<Integer, Throwable> exit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
            if (exit == null) {
                System.exit(ExitCodes.CONFIG);
            }
            exit.accept(ExitCodes.CONFIG, null);
            return;
        }
        if (args.length == 0 || !SERVING_COMMANDS.contains(args[0])) {
            System.setProperty("quarkus.http.host-enabled", "false");
            // A command's output is its answer; Quarkus' start and stop lines belong in the daemon's log.
            System.setProperty("quarkus.log.category.\"io.quarkus\".level", "WARN");
            System.setProperty("quarkus.log.category.\"io.smallrye.reactive.messaging\".level", "WARN");
        }
        Quarkus.run(Main.class, args);
    }

    /** One readable line per failure instead of a stack trace; the cause chain when it adds something. */
    private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof InvalidConfigException || e instanceof ObserverConfigException) {
            cmd.getErr().println("observers: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        StringBuilder message = new StringBuilder("observers " + cmd.getCommandName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append("\n  caused by: ").append(cause.getMessage());
            }
        }
        cmd.getErr().println(message);
        if (Logger.getLogger(Main.class).isDebugEnabled()) {
            e.printStackTrace(cmd.getErr());
        }
        return ExitCodes.FAILURE;
    }

    @Override
    public int run(String... args) {
        return new CommandLine(ObserversCommand.class, factory)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::report)
                .execute(args);
    }
}
