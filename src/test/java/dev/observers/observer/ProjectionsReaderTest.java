package dev.observers.observer;

import dev.observers.projection.ProjectionDefinition;
import dev.observers.projection.ProjectionDefinition.KeyCascade;
import dev.observers.projection.ProjectionDefinition.QueryCascade;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectionsReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsProjectionsBesideObservers() throws IOException {
        Path file = write("defs.yaml", """
                observers:
                  published:
                    event_type: UPDATE
                    entity: Post
                    actions: [{type: log, message_template: "published"}]
                projections:
                  blog.tv_post:
                    view: blog.v_post
                    entities: [Post]
                    cascades:
                      - entity: Comment
                        key: post.id
                      - entity: User
                        query: "SELECT id FROM blog.tb_post WHERE fk_author = $1"
                  tv_user:
                    view: v_user
                    entities: User
                """);

        Definitions d = ObserverFileLoader.loadAll(file);

        assertThat(d.observers()).extracting(ObserverDefinition::name).containsExactly("published");
        assertThat(d.projections()).containsExactly(
                new ProjectionDefinition("blog.tv_post", "blog.v_post", List.of("Post"), List.of(
                        new KeyCascade("Comment", "post.id"),
                        new QueryCascade("User", "SELECT id FROM blog.tb_post WHERE fk_author = $1")), file + ":7"),
                new ProjectionDefinition("tv_user", "v_user", List.of("User"), List.of(), file + ":15"));
        assertThat(d.projections().getFirst().entityTypes()).containsExactly("Post", "Comment", "User");
        assertThat(((KeyCascade) d.projections().getFirst().cascades().getFirst()).steps()).containsExactly("post", "id");
    }

    @Test
    void aFileWithOnlyProjectionsHasNoObservers() throws IOException {
        Path file = write("only.yaml", "projections:\n  tv_post: {view: v_post, entities: [Post]}\n");

        Definitions d = ObserverFileLoader.loadAll(file);

        assertThat(d.observers()).isEmpty();
        assertThat(d.projections()).extracting(ProjectionDefinition::table).containsExactly("tv_post");
    }

    @Test
    void everyProblemNamesItsLineAndField() throws IOException {
        Path file = write("bad.yaml", """
                projections:
                  tv-post:
                    view: v_post
                  tv_a:
                    entities: [Post]
                  tv_b:
                    view: "v_b; DROP TABLE x"
                    entities: [Post]
                  tv_c:
                    view: v_c
                  tv_d:
                    view: v_d
                    cascades:
                      - entity: Comment
                      - entity: Comment
                        key: post_id
                        query: "SELECT 1"
                      - entity: User
                        query: "SELECT id FROM t WHERE a = $1 AND b = $2"
                      - entity: Tag
                        key: "post id"
                    refresh: always
                """);

        assertThatThrownBy(() -> ObserverFileLoader.loadAll(file))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems())
                        .map(ObserverProblem::toString)
                        .containsExactly(
                                file + ":2:3: projections.tv-post: expected a table name (letters, digits and _,"
                                        + " optionally schema.table), got 'tv-post'",
                                file + ":5:5: projections.tv_a.view: required: the view computing each row's (id,"
                                        + " data), e.g. v_post",
                                file + ":7:11: projections.tv_b.view: expected a view name (letters, digits and _,"
                                        + " optionally schema.view), got 'v_b; DROP TABLE x'",
                                file + ":10:5: projections.tv_c.entities: required: the entity types whose changes"
                                        + " refresh this table (entities: [Post]), or cascades",
                                file + ":14:9: projections.tv_d.cascades[0].key: give exactly one of key (a field of"
                                        + " the event's data holding this table's id) and query (SELECT returning the"
                                        + " ids, $1 = object_id)",
                                file + ":15:9: projections.tv_d.cascades[1].query: give exactly one of key (a field"
                                        + " of the event's data holding this table's id) and query (SELECT returning"
                                        + " the ids, $1 = object_id)",
                                file + ":19:16: projections.tv_d.cascades[2].query: expected a query using the changed"
                                        + " entity's object_id as $1 and no other parameter, got $1, $2",
                                file + ":21:14: projections.tv_d.cascades[3].key: expected a field name or dotted"
                                        + " path (post_id, post.id), got 'post id'",
                                file + ":22:5: projections.tv_d.refresh: unknown field; expected one of view,"
                                        + " entities, cascades"));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
