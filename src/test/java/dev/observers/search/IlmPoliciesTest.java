package dev.observers.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IlmPoliciesTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedPolicyWarmsAfterThreeDaysAndDeletesAfterThirty() {
        IlmPolicy policy = IlmPolicies.load("observer-events", Optional.empty());

        assertThat(policy.name()).isEqualTo("observer-events");
        assertThat(policy.deleteAfter()).isEqualTo(Duration.ofDays(30));
        assertThat(policy.retentionDays()).isEqualTo(30);
        assertThat(policy.source()).isEqualTo("ilm-policies/observer-events.json (bundled)");
        assertThat(policy.phases().properties()).extracting(e -> e.getKey()).containsExactly("hot", "warm", "delete");
        assertThat(policy.phases().at("/hot/actions/rollover").isMissingNode()).isTrue();
        assertThat(policy.phases().at("/warm/min_age").asText()).isEqualTo("3d");
        assertThat(policy.phases().at("/warm/actions/forcemerge/max_num_segments").asInt()).isEqualTo(1);
        assertThat(policy.phases().at("/delete/min_age").asText()).isEqualTo("30d");
    }

    @Test
    void theShortPolicyDeletesAfterSevenDaysWithoutAWarmPhase() {
        IlmPolicy policy = IlmPolicies.load("observer-events-short", Optional.empty());

        assertThat(policy.deleteAfter()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.phases().has("warm")).isFalse();
        assertThat(policy.phases().at("/delete/actions/delete").isObject()).isTrue();
    }

    @Test
    void everyFileOfTheDirectoryIsBundledAndLoads() throws IOException {
        List<String> files;
        try (Stream<Path> listing = Files.list(Path.of("ilm-policies"))) {
            files = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(IlmPolicies.BUNDLED);
        for (String name : files) {
            assertThat(IlmPolicies.load(name, Optional.empty()).body())
                    .isEqualTo(IlmPolicies.load("ilm-policies/" + name + ".json", Optional.empty()).body());
        }
    }

    @Test
    void retentionDaysReplaceTheDeleteAgeAndNothingElse() {
        IlmPolicy original = IlmPolicies.load("observer-events", Optional.empty());
        IlmPolicy policy = IlmPolicies.load("observer-events", Optional.of(14));

        assertThat(policy.deleteAfter()).isEqualTo(Duration.ofDays(14));
        assertThat(policy.phases().at("/delete/min_age").asText()).isEqualTo("14d");
        var rest = policy.phases();
        rest.remove("delete");
        var originalRest = original.phases();
        originalRest.remove("delete");
        assertThat(rest).isEqualTo(originalRest);
    }

    @Test
    void aRetentionBeforeTheWarmPhaseIsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> IlmPolicies.load("observer-events", Optional.of(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ilm-policies/observer-events.json")
                .hasMessageContaining("phase \"delete\" (min_age 2d) would start before phase \"warm\" (min_age 3d)")
                .hasMessageContaining("at least 3d")
                .hasMessageContaining("observer-events-short");
        assertThat(IlmPolicies.load("observer-events-short", Optional.of(2)).retentionDays()).isEqualTo(2);
    }

    @Test
    void aRetentionBelowOneDayIsRefused() {
        assertThatThrownBy(() -> IlmPolicies.load("observer-events-short", Optional.of(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retention of 0 days");
    }

    @Test
    void aPathIsAFileNamedAfterThePolicy() throws IOException {
        Path file = dir.resolve("audit-trail.json");
        Files.writeString(file, """
                {"policy": {"phases": {"delete": {"min_age": "365d", "actions": {"delete": {}}}}}}
                """);

        IlmPolicy policy = IlmPolicies.load(file.toString(), Optional.empty());

        assertThat(policy.name()).isEqualTo("audit-trail");
        assertThat(policy.source()).isEqualTo(file.toString());
        assertThat(policy.retentionDays()).isEqualTo(365);
    }

    @Test
    void aMissingFileIsNamed() {
        String path = dir.resolve("nope.json").toString();
        assertThatThrownBy(() -> IlmPolicies.load(path, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ILM policy file " + path + " does not exist");
    }

    @Test
    void anUnknownBundledNameListsTheBundledOnes() {
        assertThatThrownBy(() -> IlmPolicies.load("observer-evnets", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no bundled ILM policy \"observer-evnets\"")
                .hasMessageContaining("observer-events, observer-events-short")
                .hasMessageContaining(".json");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not JSON             | {"policy": {"phases": {  | is not valid JSON at line 1 |
            duplicate key        | {"policy": {"phases": {"delete": {"min_age": "1d", "actions": {"delete": {}}}}}, "policy": {}} | is not valid JSON | Duplicate field 'policy'
            an array             | []                       | must be a JSON object {"policy": {"phases": {...}}} |
            phases unwrapped     | {"phases": {}}           | has "phases" at the top: wrap them |
            field beside policy  | {"policy": {"phases": {}}, "name": "x"} | has a field "name" next to "policy" |
            no phases            | {"policy": {}}           | has no "policy.phases" object |
            unknown phase        | {"policy": {"phases": {"hott": {"actions": {}}, "delete": {"min_age": "1d", "actions": {"delete": {}}}}}} | has a phase "hott": ILM's phases are hot, warm, cold, frozen, delete |
            phase without actions| {"policy": {"phases": {"delete": {"min_age": "30d"}}}} | phase "delete" has no "actions" object |
            bad min_age          | {"policy": {"phases": {"warm": {"min_age": "three days", "actions": {}}, "delete": {"min_age": "30d", "actions": {"delete": {}}}}}} | phase "warm" has min_age "three days": write a time such as 0ms, 12h or 3d |
            no delete phase      | {"policy": {"phases": {"hot": {"actions": {}}}}} | has no "delete" phase |
            delete not deleting  | {"policy": {"phases": {"delete": {"min_age": "30d", "actions": {"readonly": {}}}}}} | phase "delete" has no "delete" action |
            delete without age   | {"policy": {"phases": {"delete": {"actions": {"delete": {}}}}}} | phase "delete" has no min_age: write it in whole days such as "30d" |
            delete in hours      | {"policy": {"phases": {"delete": {"min_age": "720h", "actions": {"delete": {}}}}}} | phase "delete" has min_age "720h": write it in whole days |
            phases backwards     | {"policy": {"phases": {"warm": {"min_age": "10d", "actions": {}}, "cold": {"min_age": "5d", "actions": {}}, "delete": {"min_age": "30d", "actions": {"delete": {}}}}}} | phase "cold" (min_age 5d) would start before phase "warm" (min_age 10d) |
            """)
    void aBadFileIsRefusedNamingTheFileAndTheProblem(String title, String content, String problem, String detail)
            throws IOException {
        Path file = dir.resolve(title.replace(' ', '-') + ".json");
        Files.writeString(file, content);

        var refused = assertThatThrownBy(() -> IlmPolicies.load(file.toString(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ILM policy " + file + " ")
                .hasMessageContaining(problem);
        if (detail != null) {
            refused.hasMessageContaining(detail);
        }
    }

    @ParameterizedTest
    @CsvSource({"0ms, PT0S", "30d, PT720H", "12h, PT12H", "90m, PT1H30M", "5s, PT5S", "1500micros, PT0.0015S",
            "7nanos, PT0.000000007S"})
    void timeValuesReadAsElasticsearchWritesThem(String text, Duration expected) {
        assertThat(IlmPolicies.timeValue(text)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({"3 d", "-1d", "3D", "3w", "1.5d", "''"})
    void otherTimesAreNotTimeValues(String text) {
        assertThat(IlmPolicies.timeValue(text)).isEmpty();
    }
}
