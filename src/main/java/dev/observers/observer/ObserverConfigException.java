package dev.observers.observer;

import java.util.List;

/**
 * Observer definitions that cannot be used. Lists every problem found in the source, not just the
 * first, so one run of {@code observers validate} shows everything to fix.
 */
public final class ObserverConfigException extends RuntimeException {

    private final List<ObserverProblem> problems;

    public ObserverConfigException(List<ObserverProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in source order. */
    public List<ObserverProblem> problems() {
        return problems;
    }

    private static String message(List<ObserverProblem> problems) {
        StringBuilder sb = new StringBuilder("invalid observer definitions (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        problems.forEach(p -> sb.append("\n  ").append(p));
        return sb.toString();
    }
}
