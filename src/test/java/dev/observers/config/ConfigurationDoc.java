package dev.observers.config;

import io.smallrye.config.WithDefault;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/configuration.md, generated from {@link ObserversConfig}: each knob's property and environment name
 * from {@link Knob}, its default from {@code @WithDefault}, its range from {@link ConfigCheck#RANGES}, its
 * FraiseQL alias from {@link FraiseqlAliases} and its meaning from the accessor's Javadoc in the source.
 */
final class ConfigurationDoc {

    static final Path SOURCE = Path.of("src/main/java/dev/observers/config/ObserversConfig.java");
    static final Path DOC = Path.of("docs/configuration.md");

    private static final Pattern INTERFACE = Pattern.compile("\\binterface (\\w+)\\b.*\\{");
    private static final Pattern ACCESSOR = Pattern.compile("^\\s*[\\w<>, ?]+\\s+(\\w+)\\(\\);");

    private ConfigurationDoc() {
    }

    /** The document as the code says it should read. */
    static String render() throws IOException {
        Map<String, String> meanings = javadocs(Files.readString(SOURCE));
        StringBuilder sb = new StringBuilder();
        sb.append("""
                # Configuration reference

                Generated from `ObserversConfig` (`src/main/java/dev/observers/config/ObserversConfig.java`); a test
                (`ConfigurationDocTest`) fails when this file and the code disagree. Regenerate it with
                `mvn test -Dtest=ConfigurationDocTest -Dobservers.write-docs=true`.

                Every knob is an environment variable or the matching `observers.*` system property. Values are checked
                before anything starts: an invalid one stops the command with one line naming the variable, the value
                and what is accepted. Numbers are whole numbers in the unit their name ends with; booleans are `true`
                or `false`. FraiseQL's variable names are accepted where a knob has one, when the daemon's own is unset.

                | environment variable | property | FraiseQL alias | default | range | meaning |
                |---|---|---|---|---|---|
                """);
        for (Knob knob : Knob.all()) {
            Method accessor = knob.path().getLast();
            String key = accessor.getDeclaringClass().getSimpleName() + "." + accessor.getName();
            String meaning = meanings.get(key);
            if (meaning == null) {
                throw new IllegalStateException(knob.property() + " (" + key + ") has no Javadoc in " + SOURCE);
            }
            WithDefault def = accessor.getAnnotation(WithDefault.class);
            ConfigCheck.Range range = ConfigCheck.RANGES.get(knob.property());
            String alias = FraiseqlAliases.ALIASES.get(knob.property());
            sb.append("| `").append(knob.env()).append("` | `").append(knob.property()).append("` | ")
                    .append(alias == null ? "" : "`" + alias + "`").append(" | ")
                    .append(def == null ? "unset" : "`" + def.value() + "`").append(" | ")
                    .append(range == null ? type(knob) : range.min() + " – " + range.max()).append(" | ")
                    .append(meaning.replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    private static String type(Knob knob) {
        Class<?> t = knob.type();
        if (t == boolean.class || t == Boolean.class) {
            return "`true`, `false`";
        }
        if (t.isEnum()) {
            StringBuilder sb = new StringBuilder();
            for (Object c : t.getEnumConstants()) {
                sb.append(sb.isEmpty() ? "" : ", ").append('`').append(c.toString().toLowerCase(java.util.Locale.ROOT)).append('`');
            }
            return sb.toString();
        }
        return "text";
    }

    /** The Javadoc of each accessor, by {@code Interface.method}, as one line with {@code {@code x}} as `x`. */
    static Map<String, String> javadocs(String source) {
        Map<String, String> out = new HashMap<>();
        Deque<String> interfaces = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        int depth = 0;
        StringBuilder doc = null;
        String pending = null;
        for (String line : source.split("\n")) {
            String t = line.trim();
            if (doc != null) {
                doc.append(' ').append(t);
                if (t.endsWith("*/")) {
                    pending = clean(doc.toString());
                    doc = null;
                }
                continue;
            }
            if (t.startsWith("/**")) {
                doc = new StringBuilder(t);
                if (t.endsWith("*/")) {
                    pending = clean(doc.toString());
                    doc = null;
                }
                continue;
            }
            Matcher i = INTERFACE.matcher(t);
            if (i.find()) {
                interfaces.push(i.group(1));
                depths.push(depth);
                pending = null;
            } else {
                Matcher a = ACCESSOR.matcher(line);
                if (a.find() && !interfaces.isEmpty()) {
                    if (pending != null) {
                        out.put(interfaces.peek() + "." + a.group(1), pending);
                    }
                    pending = null;
                }
            }
            for (char c : t.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (!depths.isEmpty() && depth == depths.peek()) {
                        depths.pop();
                        interfaces.pop();
                    }
                }
            }
        }
        return out;
    }

    private static String clean(String javadoc) {
        String s = javadoc.replaceAll("^/\\*\\*", "").replaceAll("\\*/$", "").replaceAll("\\s\\*\\s", " ")
                .replaceAll("\\{@code ([^}]*)}", "`$1`").replaceAll("\\{@link #?([^}]*)}", "`$1`")
                .replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").trim();
        return s;
    }

    static List<String> lines(String text) {
        return List.of(text.split("\n"));
    }
}
