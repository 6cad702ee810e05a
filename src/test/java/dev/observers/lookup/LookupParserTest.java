package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.observers.observer.ObserverConfigException;
import dev.observers.observer.ObserverDefinition;
import dev.observers.observer.ObserverFileLoader;
import dev.observers.observer.ObserverProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LookupParserTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    private static LookupParser.Parsed parse(String yaml) throws IOException {
        JsonNode tree = YAML.readTree(yaml);
        return LookupParser.parse(tree, "observers.post.lookups");
    }

    private static List<String> problems(String yaml) throws IOException {
        return parse(yaml).problems().stream().map(LookupProblem::toString).toList();
    }

    @Test
    void readsSqlAndHttpLookupsInOrder() throws IOException {
        LookupParser.Parsed parsed = parse("""
                author: {sql: "SELECT name, email FROM blog.tb_user WHERE id = $1", params: [data.fk_author]}
                weather:
                  http: "https://api.example.com/weather/{{ data.city }}"
                  headers: {X-Api-Version: "2", X-Tenant: "{{ tenant_id }}"}
                  ttl_secs: 300
                """);

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.lookups()).containsExactly(
                new LookupDefinition.Sql("author", "SELECT name, email FROM blog.tb_user WHERE id = $1",
                        List.of(EventPath.parse("data.fk_author")), Optional.empty()),
                new LookupDefinition.Http("weather", "https://api.example.com/weather/{{ data.city }}",
                        Map.of("X-Api-Version", "2", "X-Tenant", "{{ tenant_id }}"),
                        Optional.of(Duration.ofSeconds(300))));
    }

    @Test
    void refusesEveryMistakeWithItsFieldPath() throws IOException {
        assertThat(problems("""
                1st: {sql: "SELECT 1"}
                data: {sql: "SELECT 1"}
                both: {sql: "SELECT 1", http: "https://x.example"}
                neither: {ttl_secs: 5}
                typo: {sql: "SELECT $1", param: [entity_id]}
                scalar: "SELECT 1"
                """)).containsExactly(
                "observers.post.lookups.1st: a lookup name must be letters, digits and '_', not starting with a digit:"
                        + " conditions and templates address its result by it",
                "observers.post.lookups.data: 'data' is a field of every event; name the lookup something else",
                "observers.post.lookups.both.http: a lookup is either sql or http, not both",
                "observers.post.lookups.neither.sql: required: sql (a query, with params) or http (a URL to GET)",
                "observers.post.lookups.typo.param: unknown field; expected one of sql, params, http, headers,"
                        + " ttl_secs",
                "observers.post.lookups.typo.sql: the query uses $1 but params has 0 entries",
                "observers.post.lookups.scalar: expected a map with sql (and params) or http (and headers), got the"
                        + " text 'SELECT 1'");
    }

    @Test
    void refusesParamsThatDoNotMatchTheQuery() throws IOException {
        assertThat(problems("""
                extra: {sql: "SELECT * FROM t WHERE id = $1", params: [entity_id, data.fk_author]}
                missing: {sql: "SELECT * FROM t WHERE id = $2", params: [entity_id]}
                zero: {sql: "SELECT * FROM t WHERE id = $0", params: [entity_id]}
                bad_path: {sql: "SELECT * FROM t WHERE id = $1", params: ["data..id"]}
                not_text: {sql: "SELECT * FROM t WHERE id = $1", params: [{a: 1}]}
                not_list: {sql: "SELECT * FROM t WHERE id = $1", params: entity_id}
                """)).containsExactly(
                "observers.post.lookups.extra.params: params has 2 entries but the query does not use $2",
                "observers.post.lookups.missing.sql: the query uses $2 but params has 1 entry",
                "observers.post.lookups.zero.sql: the query uses $0 but params has 1 entry; parameters start at $1",
                "observers.post.lookups.bad_path.params[0]: 'data..id' is not an event path (names of letters, digits,"
                        + " '_', '-', '$' or '@', joined by '.', e.g. data.fk_author or entity_id)",
                "observers.post.lookups.not_text.params[0]: expected an event path such as data.fk_author, got a map",
                "observers.post.lookups.not_list.params: expected a list of event paths (e.g. [data.fk_author]), got"
                        + " the text 'entity_id'");
    }

    @Test
    void refusesHttpLookupsThatCannotBeSent() throws IOException {
        assertThat(problems("""
                ftp: {http: "ftp://files.example/x"}
                hole: {http: "https://x.example/{{ data.city"}
                host: {http: "https://x.example", headers: {Host: evil.example}}
                number: {http: "https://x.example", headers: {X-Count: 3}}
                params: {http: "https://x.example", params: [entity_id]}
                ttl: {http: "https://x.example", ttl_secs: 0}
                """)).containsExactly(
                "observers.post.lookups.ftp.http: expected an http:// or https:// URL, got 'ftp://files.example/x'",
                "observers.post.lookups.hole.http: template: '{{' at offset 18 has no closing '}}'",
                "observers.post.lookups.host.headers.Host: the HTTP client sets Host itself",
                "observers.post.lookups.number.headers.X-Count: expected text, got the number 3 (quote it)",
                "observers.post.lookups.params.params: params belong to sql lookups; an http lookup reads the event"
                        + " through {{ path }} in its URL",
                "observers.post.lookups.ttl.ttl_secs: expected a whole number of seconds from 1 to 2592000, got the"
                        + " number 0");
    }

    @Test
    void aLookupsValueThatIsNotAMapIsOneProblem() throws IOException {
        assertThat(problems("[author]")).containsExactly(
                "observers.post.lookups: expected a map of lookup name to {sql: …} or {http: …}, got a list");
    }

    @Test
    void theObserverFileCarriesItsLookups() throws IOException {
        Path file = write("""
                observers:
                  post_published:
                    event_type: UPDATE
                    entity: Post
                    lookups:
                      author: {sql: "SELECT name FROM blog.tb_user WHERE id = $1", params: [data.fk_author]}
                    condition: "author.name == Ada"
                    actions:
                      - type: log
                        message_template: "{{ data.author.name }} published {{ title }}"
                """);

        ObserverDefinition observer = ObserverFileLoader.load(file).getFirst();

        assertThat(observer.lookups()).containsExactly(new LookupDefinition.Sql("author",
                "SELECT name FROM blog.tb_user WHERE id = $1", List.of(EventPath.parse("data.fk_author")),
                Optional.empty()));
    }

    @Test
    void lookupProblemsInAFileAreLocatedByLineAndColumn() throws IOException {
        Path file = write("""
                observers:
                  post_published:
                    event_type: UPDATE
                    lookups:
                      author:
                        sql: "SELECT name FROM blog.tb_user WHERE id = $1"
                        params: [data.fk_author, "not a path"]
                      weather: {http: "gopher://x"}
                    actions: [{type: log, message_template: x}]
                """);

        assertThatThrownBy(() -> ObserverFileLoader.load(file))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems())
                        .map(ObserverProblem::toString).containsExactly(
                                file + ":7:17: observers.post_published.lookups.author.params: params has 2 entries but"
                                        + " the query does not use $2",
                                file + ":7:34: observers.post_published.lookups.author.params[1]: 'not a path' is not"
                                        + " an event path (names of letters, digits, '_', '-', '$' or '@', joined by"
                                        + " '.', e.g. data.fk_author or entity_id)",
                                file + ":8:23: observers.post_published.lookups.weather.http: expected an http:// or"
                                        + " https:// URL, got 'gopher://x'"));
    }

    @Test
    void observersWithoutLookupsHaveNone() throws IOException {
        Path file = write("""
                observers:
                  plain: {event_type: INSERT, actions: [{type: log, message_template: x}]}
                """);

        assertThat(ObserverFileLoader.load(file).getFirst().lookups()).isEmpty();
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("observers.yaml");
        Files.writeString(file, text);
        return file;
    }
}
