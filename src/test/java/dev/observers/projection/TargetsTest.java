package dev.observers.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.checkpoint.Position;
import dev.observers.projection.ProjectionDefinition.KeyCascade;
import dev.observers.projection.ProjectionDefinition.QueryCascade;
import dev.observers.projection.Targets.Child;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TargetsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USERS = "SELECT id FROM tb_post WHERE fk_author = $1";
    private static final ProjectionDefinition TV_POST = new ProjectionDefinition("tv_post", "v_post", List.of("Post"),
            List.of(new KeyCascade("Comment", "post.id"), new QueryCascade("User", USERS)), "defs.yaml:2");
    private static final String KEY = "Comment:post.id";

    private final UUID comment = UUID.randomUUID();
    private final UUID postA = UUID.randomUUID();
    private final UUID postB = UUID.randomUUID();

    @Test
    void anEntityOfTheProjectionRefreshesItsOwnRow() {
        UUID post = UUID.randomUUID();
        Targets t = new Targets(TV_POST).add(event("Post", post, EventKind.UPDATE, "{}", null, null));

        assertThat(t.ids()).containsExactly(post.toString());
        assertThat(t.children()).isEmpty();
        assertThat(t.queries()).isEmpty();
    }

    @Test
    void aMoveWithABeforeImageRefreshesBothTargetsAndRecordsTheNewOne() {
        Targets t = new Targets(TV_POST).add(event("Comment", comment, EventKind.UPDATE, onPost(postB), onPost(postA), null));

        assertThat(t.ids()).containsExactlyInAnyOrder(postA.toString(), postB.toString());
        assertThat(t.children()).containsExactly(new Child(KEY, comment.toString(),
                List.of(postA.toString(), postB.toString()), Optional.of(postB.toString()), 1, 0));
    }

    @Test
    void withoutABeforeImageTheOldTargetIsLeftToTheLineage() {
        Targets t = new Targets(TV_POST).add(event("Comment", comment, EventKind.UPDATE, onPost(postB), null, null));

        assertThat(t.ids()).containsExactly(postB.toString());
        assertThat(t.children()).singleElement().satisfies(c -> {
            assertThat(c.childId()).isEqualTo(comment.toString());
            assertThat(c.last()).contains(postB.toString());
            assertThat(c.gone()).isFalse();
        });
    }

    @Test
    void aDeletedChildRefreshesItsTargetFromTheDeletedImageAndLeavesTheLineage() {
        // a DELETE's data is its before image (EventMapper); object_data may be absent
        Targets t = new Targets(TV_POST).add(event("Comment", comment, EventKind.DELETE, onPost(postA), onPost(postA), null));

        assertThat(t.ids()).containsExactly(postA.toString());
        assertThat(t.children()).singleElement().satisfies(c -> {
            assertThat(c.gone()).isTrue();
            assertThat(c.last()).isEmpty();
        });
    }

    @Test
    void severalEventsOfOneChildInABatchKeepEveryTargetAndTheLastOne() {
        Targets t = new Targets(TV_POST)
                .add(event(10, "Comment", comment, EventKind.INSERT, onPost(postA), null, null))
                .add(event(11, "Comment", comment, EventKind.UPDATE, onPost(postB), null, null))
                .add(event(12, "Comment", comment, EventKind.UPDATE, "{\"body\": \"no key here\"}", null, null));

        assertThat(t.ids()).containsExactly(postA.toString(), postB.toString());
        assertThat(t.children()).containsExactly(new Child(KEY, comment.toString(),
                List.of(postA.toString(), postB.toString()), Optional.of(postB.toString()), 11, 0));
    }

    @Test
    void theLatestTargetIsTheOneOfTheHighestPkNotTheLastInLogOrder() {
        // two writers moved the comment; the second waited for the first's row lock, so its log row has
        // the higher pk, yet its transaction id (the log's order) may be the lower one
        Targets t = new Targets(TV_POST)
                .add(event(21, "Comment", comment, EventKind.UPDATE, onPost(postB), null, null))
                .add(event(20, "Comment", comment, EventKind.UPDATE, onPost(postA), null, null));

        assertThat(t.children()).singleElement().satisfies(c -> {
            assertThat(c.last()).contains(postB.toString());
            assertThat(c.lastPk()).isEqualTo(21);
        });
    }

    @Test
    void aQueryCascadeRunsOnceWithTheChangedEntitysId() {
        UUID user = UUID.randomUUID();
        Targets t = new Targets(TV_POST)
                .add(event("User", user, EventKind.UPDATE, "{\"name\": \"Ann\"}", null, null))
                .add(event("User", user, EventKind.UPDATE, "{\"name\": \"Anna\"}", null, null));

        assertThat(t.ids()).isEmpty();
        assertThat(t.queries()).containsExactly(new Targets.Query(1, USERS, user));
    }

    @Test
    void theMutationCascadeCountsAsChangesOfItsEntities() {
        UUID post = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String cascade = """
                {"updated": [{"__typename": "Post", "id": "%s"},
                             {"__typename": "Comment", "id": "%s", "entity": {"post": {"id": "%s"}}}],
                 "deleted": [{"__typename": "Tag", "id": "t1"}]}""".formatted(post, comment, postB);
        Targets t = new Targets(TV_POST).add(event("Order", other, EventKind.UPDATE, "{}", null, cascade));

        assertThat(t.ids()).containsExactlyInAnyOrder(post.toString(), postB.toString());
        assertThat(t.children()).extracting(Child::childId).containsExactly(comment.toString());
    }

    @Test
    void eventsOfOtherEntitiesAskNothing() {
        Targets t = new Targets(TV_POST).add(event("Invoice", UUID.randomUUID(), EventKind.INSERT, "{}", null, null));

        assertThat(t.isEmpty()).isTrue();
    }

    private static String onPost(UUID post) {
        return "{\"body\": \"hi\", \"post\": {\"id\": \"" + post + "\"}}";
    }

    private static ChangeEvent event(String type, UUID id, EventKind kind, String data, String before, String cascade) {
        return event(1, type, id, kind, data, before, cascade);
    }

    private static ChangeEvent event(long pk, String type, UUID id, EventKind kind, String data, String before,
                                     String cascade) {
        return new ChangeEvent(new Position(1, pk), UUID.randomUUID(), kind, kind.name(), type, id,
                (ObjectNode) json(data), before == null ? null : json(before), null, null, null, Instant.EPOCH, null,
                null, null, null, cascade == null ? null : json(cascade));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
