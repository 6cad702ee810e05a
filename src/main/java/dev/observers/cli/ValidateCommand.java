package dev.observers.cli;

import dev.observers.action.ActionConfig;
import dev.observers.config.ObserversConfig;
import dev.observers.observer.ObserverConfigException;
import dev.observers.observer.ObserverDefinition;
import dev.observers.observer.Definitions;
import dev.observers.observer.ObserverFileLoader;
import dev.observers.projection.ProjectionDefinition;
import dev.observers.observer.ObserverProblem;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code observers validate FILE}: checks observer definitions before a deploy, touching no server. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks an observer definitions file (YAML or JSON) and lists its observers, or every problem"
                + " with its line, column and field. Connects to nothing and starts nothing.",
        footer = {"", "Exit status: 0 when the file is valid, 2 when it is not.", "",
                "Examples:", "  observers validate observers.yaml",
                "  OBSERVERS_CONFIG=/etc/observers/observers.yaml observers validate",
                "  observers validate observers.json && kubectl apply -f observers-configmap.yaml"})
public class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "Observer definitions (.yaml, .yml or .json); default: the file OBSERVERS_CONFIG names.")
    Path file;

    @Inject
    ObserversConfig config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> target = Optional.ofNullable(file)
                .or(() -> Optional.ofNullable(config).flatMap(ObserversConfig::config).map(Path::of));
        if (target.isEmpty()) {
            err.println("observers validate: no file to check; give FILE or set OBSERVERS_CONFIG");
            err.flush();
            return ExitCodes.CONFIG;
        }
        return validate(target.get(), out, err);
    }

    /** Loads {@code file} and reports on it: one line per observer, or one line per problem. */
    static int validate(Path file, PrintWriter out, PrintWriter err) {
        try {
            Definitions definitions = ObserverFileLoader.loadAll(file);
            List<ObserverDefinition> observers = definitions.observers();
            out.print(table(observers));
            for (ProjectionDefinition p : definitions.projections()) {
                out.println("projection " + p.table() + " <- " + p.view() + ": entities " + p.entities()
                        + (p.cascades().isEmpty() ? "" : ", cascades from " + p.cascades().stream()
                        .map(ProjectionDefinition.Cascade::entity).toList()));
            }
            int n = definitions.projections().size();
            out.println(file + ": " + observers.size() + (observers.size() == 1 ? " observer" : " observers")
                    + (n == 0 ? "" : ", " + n + (n == 1 ? " projection" : " projections")) + ", valid");
            out.flush();
            return ExitCodes.OK;
        } catch (ObserverConfigException e) {
            for (ObserverProblem problem : e.problems()) {
                err.println(problem);
            }
            int n = e.problems().size();
            err.println(file + ": " + n + (n == 1 ? " problem" : " problems") + "; fix "
                    + (n == 1 ? "it" : "them") + " before starting the daemon");
            err.flush();
            return ExitCodes.CONFIG;
        }
    }

    /** An aligned table: name, entity, event types, actions, condition. */
    static String table(List<ObserverDefinition> observers) {
        if (observers.isEmpty()) {
            return "";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "ENTITY", "EVENTS", "ACTIONS", "CONDITION"});
        for (ObserverDefinition o : observers) {
            rows.add(new String[] {
                    o.name(),
                    o.entity(),
                    o.eventTypes().stream().map(Enum::name).collect(Collectors.joining(",")),
                    o.actions().size() + " (" + o.actions().stream().map(ActionConfig::type)
                            .collect(Collectors.joining(", ")) + ")",
                    o.conditionSource().map(text -> text.strip().replaceAll("\\s+", " ")).orElse("-")});
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                sb.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            sb.append(row[4]).append('\n');
        }
        return sb.toString();
    }
}
