package dev.observers.cli;

import dev.observers.config.ConfigCheck;
import dev.observers.config.ConfigReport;
import dev.observers.config.ObserversConfig;
import io.smallrye.config.SmallRyeConfig;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Prints the effective configuration (secrets masked) and checks it.",
        footer = {"", "Examples:", "  observers config", "  OBSERVERS_CHECKPOINT_BATCH_SIZE=500 observers config"})
public class ConfigCommand implements Callable<Integer> {

    @Inject
    ObserversConfig config;

    @Inject
    SmallRyeConfig raw;

    @Override
    public Integer call() {
        System.out.print(ConfigReport.format(ConfigReport.rows(config, raw)));
        List<String> problems = ConfigCheck.problems(config);
        if (!problems.isEmpty()) {
            System.err.println();
            problems.forEach(p -> System.err.println("error: " + p));
            return ExitCodes.CONFIG;
        }
        return 0;
    }
}
