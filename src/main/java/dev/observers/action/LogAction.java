package dev.observers.action;

import dev.observers.changelog.ChangeEvent;
import org.jboss.logging.Logger;

import java.util.Locale;

/**
 * {@code type: log}: writes the rendered {@code message_template} to the daemon's log under the
 * category {@code dev.observers.action.log}, so operators can route or silence observer output apart
 * from the daemon's own lines.
 */
public final class LogAction implements Action {

    /** The log category every log action writes to. */
    public static final String CATEGORY = "dev.observers.action.log";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private final Logger.Level level;
    private final Template message;

    private LogAction(Logger.Level level, Template message) {
        this.level = level;
        this.message = message;
    }

    /**
     * Builds the action. The level is one of trace, debug, info (the default), warn (or warning), error.
     *
     * @throws IllegalArgumentException for another level or a malformed template
     */
    public static LogAction from(ActionConfig.Log config) {
        return new LogAction(level(config.level()), Template.compile(
                config.messageTemplate() == null ? "" : config.messageTemplate()));
    }

    private static Logger.Level level(String name) {
        if (name == null || name.isBlank()) {
            return Logger.Level.INFO;
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "trace" -> Logger.Level.TRACE;
            case "debug" -> Logger.Level.DEBUG;
            case "info" -> Logger.Level.INFO;
            case "warn", "warning" -> Logger.Level.WARN;
            case "error" -> Logger.Level.ERROR;
            default -> throw new IllegalArgumentException("log action: level '" + name
                    + "' is not one of trace, debug, info, warn, error");
        };
    }

    @Override
    public String type() {
        return "log";
    }

    @Override
    public boolean inline() {
        return true;
    }

    @Override
    public void execute(ChangeEvent event, Invocation invocation) {
        if (LOG.isEnabled(level)) {
            LOG.log(level, message.render(EventJson.of(event)));
        }
    }
}
