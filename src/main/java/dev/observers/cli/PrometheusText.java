package dev.observers.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One scrape of a Prometheus text exposition (format 0.0.4), parsed into samples: what
 * {@code observers metrics} reads from the daemon's {@code /q/metrics}. Comments and TYPE/HELP lines
 * are skipped; label values are unescaped.
 */
record PrometheusText(List<Sample> samples) {

    /** One line: a series name, its labels and its value (NaN and ±Inf included). */
    record Sample(String name, Map<String, String> labels, double value) {
        String label(String key) {
            return labels.get(key);
        }
    }

    /** @throws IllegalArgumentException naming the line that is not a sample */
    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            samples.add(sample(line, lineNo));
        }
        return new PrometheusText(List.copyOf(samples));
    }

    /** Samples of series {@code name}. */
    List<Sample> series(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The sum of series {@code name} over all its labels; 0 when absent. */
    double sum(String name) {
        return sum(name, s -> true);
    }

    /** The largest value of series {@code name} over its labels; 0 when absent. */
    double max(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).max().orElse(0);
    }

    double sum(String name, Predicate<Sample> which) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(which).mapToDouble(Sample::value).sum();
    }

    private static Sample sample(String line, int lineNo) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels, lineNo);
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("line " + lineNo + " is not a metric sample: " + line);
        }
        return new Sample(name, Collections.unmodifiableMap(labels), value(rest[0], line, lineNo));
    }

    /** Reads {@code key="value",...}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String line, int i, Map<String, String> labels, int lineNo) {
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '}') {
                return i + 1;
            }
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                break;
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char v = line.charAt(j);
                if (v == '\\' && j + 1 < line.length()) {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(v);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
        }
        throw new IllegalArgumentException("line " + lineNo + " has unterminated labels: " + line);
    }

    private static double value(String text, String line, int lineNo) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + lineNo + " has no number for its value: " + line);
                }
            }
        };
    }
}
