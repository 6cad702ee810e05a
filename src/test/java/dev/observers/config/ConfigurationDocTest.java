package dev.observers.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md says what the code does: every knob, its names, default, range and meaning. */
class ConfigurationDocTest {

    @Test
    void theReferenceMatchesTheCode() throws Exception {
        String expected = ConfigurationDoc.render();
        if (Boolean.getBoolean("observers.write-docs")) {
            Files.writeString(ConfigurationDoc.DOC, expected);
        }
        assertThat(Files.exists(ConfigurationDoc.DOC)).as(ConfigurationDoc.DOC + " exists").isTrue();
        assertThat(ConfigurationDoc.lines(Files.readString(ConfigurationDoc.DOC)))
                .as("docs/configuration.md is stale: mvn test -Dtest=ConfigurationDocTest -Dobservers.write-docs=true")
                .containsExactlyElementsOf(ConfigurationDoc.lines(expected));
    }

    @Test
    void everyKnobIsListedWithItsEnvironmentNameAndFraiseqlAlias() throws Exception {
        String doc = ConfigurationDoc.render();
        for (Knob knob : Knob.all()) {
            assertThat(doc).contains("| `" + knob.env() + "` | `" + knob.property() + "` |");
        }
        assertThat(doc).contains("`FRAISEQL_MAX_CONCURRENT_ACTIONS`", "| `OBSERVERS_CHANGELOG_RETENTION` |");
    }

    @Test
    void javadocIsReadPerInterfaceSoSameNamedAccessorsKeepTheirOwnMeaning() {
        var docs = ConfigurationDoc.javadocs("""
                public interface Root {
                    /** The root's port. */
                    int port();

                    interface Db {
                        /**
                         * Database URL ({@code postgresql://h/db}).
                         */
                        Optional<String> url();
                    }

                    interface Redis {
                        /** Redis URL. */
                        @WithDefault("x")
                        Optional<String> url();
                    }

                    int undocumented();
                }
                """);
        assertThat(docs).containsEntry("Root.port", "The root's port.")
                .containsEntry("Db.url", "Database URL (`postgresql://h/db`).")
                .containsEntry("Redis.url", "Redis URL.")
                .doesNotContainKey("Root.undocumented");
    }
}
