package dev.observers.search;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads lifecycle policies: the ones bundled from {@code ilm-policies/} or a file of the user's, in the
 * body form {@code PUT _ilm/policy/<name>} takes. Everything ILM would refuse later, or that would make
 * retention silently wrong, is refused here with the file and the problem named, so the daemon does not
 * start on it.
 */
public final class IlmPolicies {

    /** The policies bundled in the jar, from the {@code ilm-policies/} directory. */
    public static final List<String> BUNDLED = List.of("observer-events", "observer-events-short");

    /** ILM's phases, in the order it runs them. */
    static final List<String> PHASES = List.of("hot", "warm", "cold", "frozen", "delete");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern TIME = Pattern.compile("(\\d+)(nanos|micros|ms|s|m|h|d)");
    private static final Pattern DAYS = Pattern.compile("([1-9]\\d*)d");

    private IlmPolicies() {
    }

    /**
     * The policy {@code nameOrPath} names: a bare name is a bundled policy; a value containing '/' or
     * ending in {@code .json} is a file, whose name without {@code .json} becomes the policy's name.
     *
     * @param retentionDays when present, replaces the delete phase's {@code min_age} with {@code <n>d}
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static IlmPolicy load(String nameOrPath, Optional<Integer> retentionDays) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new IllegalArgumentException("no ILM policy named: give a bundled policy (" + String.join(", ", BUNDLED)
                    + ") or the path of a .json file");
        }
        boolean isPath = nameOrPath.contains("/") || nameOrPath.endsWith(".json");
        String name;
        String source;
        String text;
        if (isPath) {
            Path path = Path.of(nameOrPath);
            String file = path.getFileName().toString();
            name = file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
            source = path.toString();
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("ILM policy file " + source + " does not exist");
            } catch (IOException e) {
                throw new IllegalArgumentException("ILM policy file " + source + " cannot be read: " + e.getMessage(), e);
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("ILM policy file " + source + ": the file name gives the policy's name,"
                        + " and it is empty");
            }
        } else {
            name = nameOrPath;
            source = "ilm-policies/" + name + ".json (bundled)";
            text = bundled(name);
        }
        return parse(name, source, text, retentionDays);
    }

    /** Validates {@code text} as the policy {@code name} read from {@code source}; see {@link #load}. */
    static IlmPolicy parse(String name, String source, String text, Optional<Integer> retentionDays) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw problem(source, "is not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw problem(source, "must be a JSON object {\"policy\": {\"phases\": {...}}}, the body of PUT _ilm/policy/<name>");
        }
        if (root.has("phases") && !root.has("policy")) {
            throw problem(source, "has \"phases\" at the top: wrap them as {\"policy\": {\"phases\": {...}}},"
                    + " the body of PUT _ilm/policy/<name>");
        }
        for (Iterator<String> fields = root.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("policy")) {
                throw problem(source, "has a field \"" + field + "\" next to \"policy\": PUT _ilm/policy/<name> takes"
                        + " only {\"policy\": {...}}");
            }
        }
        JsonNode policy = root.get("policy");
        if (policy == null || !policy.isObject()) {
            throw problem(source, "has no \"policy\" object: it must be {\"policy\": {\"phases\": {...}}}");
        }
        JsonNode phases = policy.get("phases");
        if (phases == null || !phases.isObject()) {
            throw problem(source, "has no \"policy.phases\" object: it must be {\"policy\": {\"phases\": {...}}}");
        }
        for (Map.Entry<String, JsonNode> phase : phases.properties()) {
            String where = "phase \"" + phase.getKey() + "\"";
            if (!PHASES.contains(phase.getKey())) {
                throw problem(source, "has a " + where + ": ILM's phases are " + String.join(", ", PHASES));
            }
            if (!phase.getValue().isObject()) {
                throw problem(source, where + " must be an object with \"min_age\" and \"actions\"");
            }
            JsonNode minAge = phase.getValue().get("min_age");
            if (minAge != null && timeValue(minAge.asText()).isEmpty()) {
                throw problem(source, where + " has min_age \"" + minAge.asText() + "\": write a time such as 0ms, 12h or 3d");
            }
            JsonNode actions = phase.getValue().get("actions");
            if (actions == null || !actions.isObject()) {
                throw problem(source, where + " has no \"actions\" object (it may be empty: \"actions\": {})");
            }
        }
        JsonNode delete = phases.get("delete");
        if (delete == null) {
            throw problem(source, "has no \"delete\" phase: the daemon needs to know when daily indices go"
                    + " (\"delete\": {\"min_age\": \"30d\", \"actions\": {\"delete\": {}}})");
        }
        if (!delete.get("actions").has("delete")) {
            throw problem(source, "phase \"delete\" has no \"delete\" action, so it would not delete anything:"
                    + " \"actions\": {\"delete\": {}}");
        }
        ObjectNode body = (ObjectNode) root.deepCopy();
        ObjectNode deletePhase = (ObjectNode) body.get("policy").get("phases").get("delete");
        int days;
        if (retentionDays.isPresent()) {
            days = retentionDays.get();
            if (days < 1) {
                throw problem(source, "cannot take a retention of " + days + " days: retention-days must be 1 or more");
            }
            deletePhase.put("min_age", days + "d");
        } else {
            JsonNode minAge = delete.get("min_age");
            Matcher m = minAge == null ? null : DAYS.matcher(minAge.asText());
            if (m == null || !m.matches()) {
                throw problem(source, "phase \"delete\" has "
                        + (minAge == null ? "no min_age" : "min_age \"" + minAge.asText() + "\"")
                        + ": write it in whole days such as \"30d\" (the daemon deletes daily indices by day"
                        + " on clusters without ILM)");
            }
            days = Integer.parseInt(m.group(1));
        }
        checkPhaseOrder(source, body.get("policy").get("phases"), retentionDays.isPresent());
        return new IlmPolicy(name, body, Duration.ofDays(days), source);
    }

    /** Parses an Elasticsearch time value ({@code 0ms}, {@code 12h}, {@code 30d}); empty if it is not one. */
    static Optional<Duration> timeValue(String text) {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(switch (m.group(2)) {
            case "nanos" -> Duration.ofNanos(n);
            case "micros" -> Duration.ofNanos(n * 1_000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    /** ILM runs phases in order and refuses a policy whose min_age values go backwards. */
    private static void checkPhaseOrder(String source, JsonNode phases, boolean retentionOverridden) {
        String previous = null;
        Duration previousAge = Duration.ZERO;
        for (String phase : PHASES) {
            JsonNode p = phases.get(phase);
            if (p == null) {
                continue;
            }
            Duration age = p.has("min_age") ? timeValue(p.get("min_age").asText()).orElseThrow() : Duration.ZERO;
            if (previous != null && age.compareTo(previousAge) < 0) {
                String fix = phase.equals("delete") && retentionOverridden
                        ? ": choose a retention of at least " + minAge(phases.get(previous))
                        + " or a policy without that phase (such as observer-events-short)"
                        : ": ILM runs hot, warm, cold, frozen, delete in that order, each min_age at least the one before";
                throw problem(source, "phase \"" + phase + "\" (min_age " + minAge(p) + ") would start before phase \""
                        + previous + "\" (min_age " + minAge(phases.get(previous)) + ")" + fix);
            }
            previous = phase;
            previousAge = age;
        }
    }

    private static String minAge(JsonNode phase) {
        return phase.has("min_age") ? phase.get("min_age").asText() : "0ms";
    }

    private static String bundled(String name) {
        String resource = "ilm-policies/" + name + ".json";
        ClassLoader loader = IlmPolicies.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled ILM policy \"" + name + "\": the bundled ones are "
                        + String.join(", ", BUNDLED) + "; or give the path of a .json file (containing '/' or ending in .json)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled " + resource, e);
        }
    }

    private static IllegalArgumentException problem(String source, String what) {
        return new IllegalArgumentException("ILM policy " + source + " " + what);
    }
}
