package dev.observers.action;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisGlobTest {

    @Test
    void escapesEveryGlobMetacharacter() {
        assertThat(RedisGlob.escape("a*b?c[d]e\\f")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f");
        assertThat(RedisGlob.escape("plain:key-1")).isEqualTo("plain:key-1");
    }

    @Test
    void onlyUnescapedStarsQuestionMarksAndBracketsAreGlobs() {
        assertThat(RedisGlob.isGlob("post:*")).isTrue();
        assertThat(RedisGlob.isGlob("post:?")).isTrue();
        assertThat(RedisGlob.isGlob("post:[ab]")).isTrue();
        assertThat(RedisGlob.isGlob("post:\\*")).isFalse();
        assertThat(RedisGlob.isGlob("post:\\\\")).isFalse();
        assertThat(RedisGlob.isGlob("post:\\\\*")).isTrue();
        assertThat(RedisGlob.isGlob("post:a]")).isFalse();
    }

    @Test
    void literalUndoesEscapes() {
        String value = "we*rd?[key]\\";
        assertThat(RedisGlob.literal("p:" + RedisGlob.escape(value))).isEqualTo("p:" + value);
    }
}
