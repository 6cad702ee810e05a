package dev.observers.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void listsEachObserverOfAValidFileAndExitsZero() {
        int status = ValidateCommand.validate(Path.of("examples/observers.yaml"), new PrintWriter(out),
                new PrintWriter(err));

        assertThat(status).isEqualTo(ExitCodes.OK);
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo("""
                NAME              ENTITY   EVENTS         ACTIONS           CONDITION
                post_published    Post     UPDATE         2 (log, webhook)  field_changed_to('status', 'published')
                new_user          User     INSERT         1 (log)           -
                comment_activity  Comment  INSERT,DELETE  1 (log)           -
                projection blog.tv_post <- blog.v_post: entities [Post], cascades from [Comment, User]
                projection blog.tv_user <- blog.v_user: entities [User], cascades from [Post]
                examples/observers.yaml: 3 observers, 2 projections, valid
                """);
    }

    @Test
    void printsEveryProblemAndExitsTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("observers.yaml"), """
                observers:
                  order_created:
                    event_type: INSERT
                    condition: "total >> 5"
                    actions:
                      - type: webhook
                        method: POST
                """);

        int status = ValidateCommand.validate(file, new PrintWriter(out), new PrintWriter(err));

        assertThat(status).isEqualTo(ExitCodes.CONFIG);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo(file + ":4:16: observers.order_created.condition: at column 7 of the"
                + " condition: expected one of == != > < >= <=, got '>>'\n"
                + file + ":6:9: observers.order_created.actions[0].url: webhook needs url or url_env\n"
                + file + ": 2 problems; fix them before starting the daemon\n");
    }

    @Test
    void runsThroughPicocliWithoutQuarkus() {
        CommandLine cli = new CommandLine(new ValidateCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        assertThat(cli.execute("examples/observers.yaml")).isEqualTo(ExitCodes.OK);
        assertThat(cli.execute(dir.resolve("absent.yaml").toString())).isEqualTo(ExitCodes.CONFIG);
        assertThat(err.toString()).contains("absent.yaml: no such file");
        assertThat(cli.execute()).isEqualTo(ExitCodes.CONFIG);
        assertThat(err.toString()).contains("no file to check; give FILE or set OBSERVERS_CONFIG");
        assertThat(cli.getUsageMessage()).contains("observers validate observers.yaml", "Exit status");
    }
}
