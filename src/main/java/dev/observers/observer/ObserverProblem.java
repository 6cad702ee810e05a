package dev.observers.observer;

/**
 * One thing wrong with an observer definition, located precisely enough to fix it without searching:
 * {@code observers.yaml:14:7: observers.order_created.actions[1].url: webhook needs url or url_env}.
 *
 * @param source  the file as given, or {@code tb_observer:<name>}
 * @param line    1-based line in the file, 0 when the source has no lines (a table row)
 * @param column  1-based column, 0 when unknown
 * @param path    the field, {@code observers.order_created.actions[1].url}; empty for the whole source
 * @param message what is wrong and what is expected
 */
public record ObserverProblem(String source, int line, int column, String path, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
