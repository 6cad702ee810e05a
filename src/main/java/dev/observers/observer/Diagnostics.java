package dev.observers.observer;

import dev.observers.observer.ConfigNode.Mark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/** Collects the problems of one load (all of them, not the first) and passes warnings on. */
final class Diagnostics {

    private final List<ObserverProblem> problems = new ArrayList<>();
    private final Consumer<String> warnings;

    Diagnostics(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    void error(String source, Mark mark, String path, String message) {
        problems.add(new ObserverProblem(source, mark.line(), mark.column(), path, message));
    }

    void warn(String source, Mark mark, String path, String message) {
        warnings.accept(new ObserverProblem(source, mark.line(), mark.column(), path, message).toString());
    }

    int count() {
        return problems.size();
    }

    /** @throws ObserverConfigException listing every problem in reading order, when there is one */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            List<ObserverProblem> ordered = new ArrayList<>(problems);
            ordered.sort(Comparator.comparingInt(ObserverProblem::line).thenComparingInt(ObserverProblem::column));
            throw new ObserverConfigException(ordered);
        }
    }
}
