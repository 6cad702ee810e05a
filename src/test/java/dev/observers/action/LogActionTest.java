package dev.observers.action;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogActionTest {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger category = Logger.getLogger(LogAction.CATEGORY);

    @BeforeEach
    void capture() {
        capture.setLevel(Level.ALL);
        category.addHandler(capture);
    }

    @AfterEach
    void release() {
        category.removeHandler(capture);
    }

    @Test
    void writesTheRenderedMessageAtTheConfiguredLevel() throws Exception {
        var event = Events.postUpdate("{\"title\": \"Hello\", \"status\": \"published\"}");
        LogAction.from(new ActionConfig.Log("warn", "{{ entity_type }} {{ data.title }} is {{ status }}",
                OptionalLong.empty())).execute(event, Events.invocation());

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLoggerName()).isEqualTo("dev.observers.action.log");
            assertThat(r.getLevel().intValue()).isEqualTo(Level.WARNING.intValue());
            assertThat(r.getMessage()).isEqualTo("Post Hello is published");
        });
    }

    @Test
    void levelDefaultsToInfo() throws Exception {
        LogAction.from(new ActionConfig.Log(null, "plain", OptionalLong.empty()))
                .execute(Events.insert("{}"), Events.invocation());

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel().intValue()).isEqualTo(Level.INFO.intValue());
            assertThat(r.getMessage()).isEqualTo("plain");
        });
    }

    @Test
    void unknownLevelsAreRefused() {
        assertThatThrownBy(() -> LogAction.from(new ActionConfig.Log("loud", "x", OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'loud'").hasMessageContaining("trace, debug, info, warn, error");
    }
}
