package dev.observers.observer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.observers.observer.ConfigNode.ListNode;
import dev.observers.observer.ConfigNode.MapNode;
import dev.observers.observer.ConfigNode.Mark;
import dev.observers.observer.ConfigNode.Member;
import dev.observers.observer.ConfigNode.Scalar;
import dev.observers.projection.ProjectionDefinition;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads observer definitions from a YAML or JSON file (FraiseQL's shape): either
 * {@code observers: {name: definition}} or the map of name to definition itself. Every problem of the
 * file is collected, located by line, column and field path, and reported at once.
 */
public final class ObserverFileLoader {

    private static final Logger LOG = Logger.getLogger(ObserverFileLoader.class);

    /** SnakeYAML's position line, {@code  in 'reader', line 3, column 17:}. */
    private static final Pattern SNAKEYAML_MARK = Pattern.compile("\\s+in '[^']*', line (\\d+), column (\\d+):?");

    /** FraiseQL's runtime settings, which live beside {@code observers} in its config but not here. */
    private static final Set<String> FRAISEQL_RUNTIME_KEYS =
            Set.of("transport", "redis", "clickhouse", "job_queue", "performance", "max_dlq_size");

    private ObserverFileLoader() {
    }

    /**
     * The observers defined in {@code file}, in file order. A {@code .json} file is read as JSON,
     * anything else as YAML.
     *
     * @throws ObserverConfigException listing every problem, when there is any
     */
    public static List<ObserverDefinition> load(Path file) {
        return loadAll(file).observers();
    }

    /**
     * The observers and the projections ({@code projections:}, beside {@code observers:}) of
     * {@code file}, in file order.
     *
     * @throws ObserverConfigException listing every problem, when there is any
     */
    public static Definitions loadAll(Path file) {
        String source = file.toString();
        Diagnostics diagnostics = new Diagnostics(LOG::warn);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw single(source, "no such file");
        } catch (IOException e) {
            throw single(source, "cannot read the file: " + e.getMessage());
        }
        boolean json = file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        ConfigNode root = parse(text, json, source, diagnostics);
        List<ProjectionDefinition> projections = new ArrayList<>();
        List<ObserverDefinition> definitions = root == null ? List.of()
                : definitions(root, source, diagnostics, projections);
        diagnostics.throwIfAny();
        return new Definitions(definitions, projections);
    }

    private static ConfigNode parse(String text, boolean json, String source, Diagnostics diagnostics) {
        JsonFactory factory = json ? new JsonFactory() : new YAMLFactory();
        try (JsonParser parser = factory.createParser(text)) {
            if (parser.nextToken() == null) {
                diagnostics.error(source, Mark.NONE, "", "the file is empty; expected 'observers:' and a map of"
                        + " observer name to definition");
                return null;
            }
            ConfigNode root = new TreeReader(parser, source, diagnostics, new HashMap<>()).read();
            if (parser.nextToken() != null) {
                diagnostics.error(source, mark(parser.currentTokenLocation()), "",
                        "expected a single " + (json ? "JSON value" : "YAML document") + ", found another one here");
            }
            return root;
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            diagnostics.error(source, at == null ? Mark.NONE : mark(at), "", "not valid " + (json ? "JSON" : "YAML")
                    + ": " + syntaxMessage(e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            throw single(source, "cannot read the file: " + e.getMessage());
        }
    }

    /**
     * Builds the located tree of the value at the parser's current token. YAML anchors and aliases
     * ({@code &defaults}, {@code *defaults}) and merge keys ({@code <<: *defaults}) are resolved here,
     * so definitions can share their common parts.
     */
    private record TreeReader(JsonParser parser, String source, Diagnostics diagnostics,
                              Map<String, ConfigNode> anchors) {

        ConfigNode read() throws IOException {
            Mark mark = mark(parser.currentTokenLocation());
            if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                ConfigNode anchored = anchors.get(parser.getText());
                if (anchored == null) {
                    diagnostics.error(source, mark, "", "unknown YAML alias *" + parser.getText());
                    return new Scalar(mark, NullNode.getInstance());
                }
                return anchored;
            }
            String anchor = parser.getObjectId() instanceof String id ? id : null;
            ConfigNode node = switch (parser.currentToken()) {
                case START_OBJECT -> map(mark);
                case START_ARRAY -> {
                    List<ConfigNode> items = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        items.add(read());
                    }
                    yield new ListNode(mark, items);
                }
                default -> new Scalar(mark, scalar(parser, parser.currentToken()));
            };
            if (anchor != null) {
                anchors.put(anchor, node);
            }
            return node;
        }

        private MapNode map(Mark mark) throws IOException {
            Map<String, Member> members = new LinkedHashMap<>();
            List<MapNode> merged = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                Mark keyMark = mark(parser.currentTokenLocation());
                String key = parser.currentName();
                parser.nextToken();
                ConfigNode value = read();
                if (key.equals("<<") && parser instanceof YAMLParser) {
                    merge(value, keyMark, merged);
                    continue;
                }
                Member first = members.putIfAbsent(key, new Member(keyMark, value));
                if (first != null) {
                    diagnostics.error(source, keyMark, key, "duplicate key; it is first set at line "
                            + first.keyMark().line());
                }
            }
            merged.forEach(base -> base.members().forEach(members::putIfAbsent));
            return new MapNode(mark, members);
        }

        private void merge(ConfigNode value, Mark keyMark, List<MapNode> merged) {
            switch (value) {
                case MapNode map -> merged.add(map);
                case ListNode list -> list.items().forEach(item -> merge(item, keyMark, merged));
                default -> diagnostics.error(source, keyMark, "<<", "expected a map to merge (<<: *anchor), got "
                        + value.describe());
            }
        }
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> TextNode.valueOf(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> JsonNodeFactory.instance.numberNode(parser.getIntValue());
                case LONG -> JsonNodeFactory.instance.numberNode(parser.getLongValue());
                default -> JsonNodeFactory.instance.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> Double.isFinite(parser.getDoubleValue())
                    ? DecimalNode.valueOf(parser.getDecimalValue()) : DoubleNode.valueOf(parser.getDoubleValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> TextNode.valueOf(parser.getText());
        };
    }

    private static List<ObserverDefinition> definitions(ConfigNode root, String source, Diagnostics diagnostics,
                                                        List<ProjectionDefinition> projections) {
        if (!(root instanceof MapNode top)) {
            diagnostics.error(source, root.mark(), "", "expected 'observers:' and a map of observer name to"
                    + " definition, got " + root.describe());
            return List.of();
        }
        MapNode observers = top;
        String prefix = "";
        Member wrapper = top.members().get("observers");
        Member projectionsMember = top.members().get("projections");
        if (projectionsMember != null) {
            projections.addAll(ProjectionsReader.read(projectionsMember.value(), "projections", source, diagnostics));
            if (wrapper == null) {
                wrapper = new Member(projectionsMember.keyMark(), new MapNode(projectionsMember.keyMark(), Map.of()));
            }
        }
        if (wrapper != null) {
            top.members().forEach((key, member) -> {
                if (!key.equals("observers") && !key.equals("projections")) {
                    diagnostics.error(source, member.keyMark(), key, "unknown top-level field; this file holds"
                            + " observer definitions under 'observers' and projections under 'projections' only"
                            + (FRAISEQL_RUNTIME_KEYS.contains(key)
                            ? " (FraiseQL's runtime settings are OBSERVERS_* environment variables here)" : ""));
                }
            });
            if (!(wrapper.value() instanceof MapNode map)) {
                diagnostics.error(source, wrapper.value().mark(), "observers", "expected a map of observer name to"
                        + " definition (use {} for none), got " + wrapper.value().describe());
                return List.of();
            }
            observers = map;
            prefix = "observers.";
        }
        DefinitionReader reader = new DefinitionReader(source, diagnostics);
        List<ObserverDefinition> definitions = new ArrayList<>();
        for (Map.Entry<String, Member> entry : observers.members().entrySet()) {
            String name = entry.getKey();
            Member member = entry.getValue();
            if (name.isBlank()) {
                diagnostics.error(source, member.keyMark(), prefix + name, "expected an observer name, got an empty key");
                continue;
            }
            reader.definition(name, member.value(), prefix + name, source + ":" + member.keyMark().line())
                    .ifPresent(definitions::add);
        }
        return definitions;
    }

    /**
     * SnakeYAML's multi-line report (context, snippet, caret, problem) as one line: the problem first,
     * then the construct it interrupted and where that started.
     */
    static String syntaxMessage(String original) {
        List<String> sentences = new ArrayList<>();
        List<String> lines = original.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            Matcher where = i + 1 < lines.size() ? SNAKEYAML_MARK.matcher(lines.get(i + 1)) : null;
            sentences.add(where != null && where.matches()
                    ? line.strip() + " at line " + where.group(1) + ", column " + where.group(2) : line.strip());
        }
        if (sentences.size() < 2) {
            return sentences.isEmpty() ? original.strip() : sentences.getFirst().replaceFirst(" at line \\d+, column \\d+$", "");
        }
        String problem = sentences.getLast().replaceFirst(" at line \\d+, column \\d+$", "");
        return problem + " (" + String.join("; ", sentences.subList(0, sentences.size() - 1)) + ")";
    }

    private static Mark mark(JsonLocation location) {
        return location.getLineNr() > 0 ? new Mark(location.getLineNr(), Math.max(location.getColumnNr(), 1)) : Mark.NONE;
    }

    private static ObserverConfigException single(String source, String message) {
        return new ObserverConfigException(List.of(new ObserverProblem(source, 0, 0, "", message)));
    }
}
