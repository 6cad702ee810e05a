package dev.observers.config;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlsTest {

    @Test
    void postgresUrlFormsAllParse() {
        PgUrl full = PgUrl.parse("postgresql://app:p%40ss@db.internal:6432/orders?sslmode=require");
        assertThat(full).isEqualTo(new PgUrl("db.internal", 6432, "orders", "app", Optional.of("p@ss"),
                java.util.Map.of("sslmode", "require")));
        assertThat(PgUrl.parse("postgres://app@db/orders").port()).isEqualTo(5432);
        assertThat(PgUrl.parse("jdbc:postgresql://db:5433/orders").database()).isEqualTo("orders");
        assertThat(PgUrl.parse("postgresql://app@db").database()).isEqualTo("app");
        assertThat(full.redacted()).isEqualTo("postgresql://app:***@db.internal:6432/orders?sslmode=require");
        assertThat(full.toString()).doesNotContain("p@ss");
    }

    @Test
    void badPostgresUrlsSayWhatIsWrong() {
        assertThatThrownBy(() -> PgUrl.parse("db:5432")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> PgUrl.parse("postgresql:///nohost")).hasMessageContaining("no host");
        assertThatThrownBy(() -> PgUrl.parse("")).hasMessageContaining("empty");
    }

    @Test
    void redisUrls() {
        RedisUrl url = RedisUrl.parse("rediss://user:pw@cache:6380/3");
        assertThat(url.tls()).isTrue();
        assertThat(url.database()).isEqualTo(3);
        assertThat(url.user()).contains("user");
        assertThat(url.address()).isEqualTo("rediss://cache:6380");
        assertThat(url.redacted()).doesNotContain("pw");
        assertThat(RedisUrl.parse("redis://:secret@cache").password()).contains("secret");
        assertThat(RedisUrl.parse("redis://cache").port()).isEqualTo(6379);
        assertThatThrownBy(() -> RedisUrl.parse("redis://cache/x")).hasMessageContaining("database");
    }

    @Test
    void httpUrls() {
        assertThat(HttpUrl.parse("http://es:9200").port()).isEqualTo(9200);
        assertThat(HttpUrl.parse("https://es").port()).isEqualTo(443);
        assertThat(HttpUrl.parse("https://elastic:pw@es:9243").redacted()).isEqualTo("https://elastic:***@es:9243");
        assertThatThrownBy(() -> HttpUrl.parse("es:9200")).hasMessageContaining("scheme");
    }

    @Test
    void amqpUrls() {
        AmqpUrl url = AmqpUrl.parse("amqp://app:p%40ss@rabbit.internal:5673/blog");
        assertThat(url).isEqualTo(new AmqpUrl(false, "rabbit.internal", 5673, "app", Optional.of("p@ss"), "blog"));
        assertThat(url.redacted()).isEqualTo("amqp://app:***@rabbit.internal:5673/blog");
        assertThat(url.toString()).doesNotContain("p@ss");
        assertThat(AmqpUrl.parse(url.toUrl())).isEqualTo(url);
        assertThat(AmqpUrl.parse("amqp://rabbit")).isEqualTo(
                new AmqpUrl(false, "rabbit", 5672, "guest", Optional.of("guest"), "/"));
        assertThat(AmqpUrl.parse("amqp://rabbit/").virtualHost()).isEqualTo("/");
        assertThat(AmqpUrl.parse("amqp://rabbit/%2F").virtualHost()).isEqualTo("/");
        assertThat(AmqpUrl.parse("amqps://rabbit").port()).isEqualTo(5671);
        assertThat(AmqpUrl.parse("amqp://app@rabbit").password()).isEmpty();
    }

    @Test
    void badAmqpUrlsSayWhatIsWrongWithoutThePassword() {
        assertThatThrownBy(() -> AmqpUrl.parse("http://app:hunter2@rabbit")).hasMessageContaining("amqp://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> AmqpUrl.parse("amqp:///vhost")).hasMessageContaining("no host");
        assertThatThrownBy(() -> AmqpUrl.parse("amqp://rabbit/a/b")).hasMessageContaining("virtual host");
        assertThatThrownBy(() -> AmqpUrl.parse("")).hasMessageContaining("empty");
    }
}
