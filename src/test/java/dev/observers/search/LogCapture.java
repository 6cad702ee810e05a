package dev.observers.search;

import org.jboss.logmanager.ExtLogRecord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The formatted lines one class logs while a test runs. */
final class LogCapture extends Handler implements AutoCloseable {

    /** A line as logged: level and the formatted message. */
    record Line(Level level, String message) {
    }

    private final Logger category;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Class<?> source) {
        category = Logger.getLogger(source.getName());
        setLevel(Level.ALL);
        category.addHandler(this);
    }

    static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<String> messages(Level level) {
        return lines.stream().filter(l -> l.level().intValue() == level.intValue()).map(Line::message).toList();
    }

    @Override
    public void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        lines.add(new Line(record.getLevel(), message));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        category.removeHandler(this);
    }
}
