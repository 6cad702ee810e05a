package dev.observers.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlScriptTest {

    @Test
    void splitsOnSemicolonsOutsideQuotesDollarQuotesAndComments() {
        SqlScript script = SqlScript.of("x.sql", """
                -- a comment; with a semicolon
                CREATE TABLE t (a text DEFAULT 'x;y');
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
                BEGIN RETURN 1; END
                $body$;
                DO $$ BEGIN PERFORM 1; END $$
                """);
        assertThat(script.statements()).containsExactly(
                "CREATE TABLE t (a text DEFAULT 'x;y')",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN RETURN 1; END\n$body$",
                "DO $$ BEGIN PERFORM 1; END $$");
        assertThat(script.transactional()).isTrue();
    }

    @Test
    void theMarkerMakesAScriptRunOutsideATransaction() {
        assertThat(SqlScript.of("x.sql", "-- observers:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);")
                .transactional()).isFalse();
    }
}
