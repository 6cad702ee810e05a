package dev.observers.cli;

import dev.observers.config.ObserversConfig;
import dev.observers.observer.ObserverFileLoader;
import dev.observers.projection.ProjectionDefinition;
import dev.observers.projection.ProjectionMaintenance;
import dev.observers.projection.ProjectionSchema;
import io.vertx.mutiny.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code observers projections}: checks and rebuilds the tv_* tables the daemon keeps. */
@Command(name = "projections", mixinStandardHelpOptions = true,
        description = "Verifies the projections (tv_* tables) of OBSERVERS_CONFIG against their views, or rebuilds"
                + " one from its view while the daemon runs.",
        subcommands = {ProjectionsVerifyCommand.class, ProjectionsRebuildCommand.class},
        footer = {"", "Examples:", "  OBSERVERS_CONFIG=observers.yaml observers projections verify",
                "  OBSERVERS_CONFIG=observers.yaml observers projections verify tv_post",
                "  OBSERVERS_CONFIG=observers.yaml observers projections rebuild tv_post"})
public class ProjectionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("observers projections: name a subcommand (verify, rebuild)");
        return ExitCodes.CONFIG;
    }

    /** The projections of the definitions file, {@code only} one of them when given. */
    static List<ProjectionDefinition> defined(ObserversConfig config, CommandSpec spec, String only) {
        String file = config.config().orElseThrow(() -> new ParameterException(spec.commandLine(),
                "no definitions file: set OBSERVERS_CONFIG to the file that declares the projections"));
        List<ProjectionDefinition> all = ObserverFileLoader.loadAll(Path.of(file)).projections();
        if (only == null) {
            if (all.isEmpty()) {
                throw new ParameterException(spec.commandLine(), file + " declares no projections");
            }
            return all;
        }
        return all.stream().filter(p -> p.table().equals(only)).findFirst().map(List::of)
                .orElseThrow(() -> new ParameterException(spec.commandLine(), file + " declares no projection "
                        + only + (all.isEmpty() ? "" : " (it declares " + String.join(", ",
                        all.stream().map(ProjectionDefinition::table).toList()) + ")")));
    }

    /** Each projection with its maintenance, after checking the tables and views. */
    static List<ProjectionMaintenance> maintenance(Pool pool, List<ProjectionDefinition> projections) {
        List<ProjectionSchema.Shape> shapes = ProjectionSchema.check(pool, projections);
        return java.util.stream.IntStream.range(0, projections.size())
                .mapToObj(i -> new ProjectionMaintenance(pool, projections.get(i), shapes.get(i))).toList();
    }
}
