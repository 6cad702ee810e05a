package dev.observers.lookup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlPlaceholdersTest {

    @Test
    void findsTheParametersOfAQuery() {
        assertThat(SqlPlaceholders.of("SELECT name FROM blog.tb_user WHERE id = $1 AND org = $2 OR id = $1"))
                .containsExactly(1, 2);
    }

    @Test
    void ignoresDollarSignsInLiteralsCommentsIdentifiersAndDollarQuotedBodies() {
        String sql = """
                SELECT '$3 off', "col$4", price$5, $tag$ costs $6 $tag$, $$ $7 $$ -- $8
                  FROM t /* $9 /* nested $10 */ $11 */ WHERE a = $1 AND b = 'it''s $12'""";

        assertThat(SqlPlaceholders.of(sql)).containsExactly(1);
    }

    @Test
    void aQueryWithoutParametersUsesNone() {
        assertThat(SqlPlaceholders.of("SELECT now()")).isEmpty();
        assertThat(SqlPlaceholders.of("SELECT 1 $")).isEmpty();
    }
}
