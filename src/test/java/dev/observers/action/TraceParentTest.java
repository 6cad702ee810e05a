package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.checkpoint.Position;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TraceParentTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static ChangeEvent event(String traceId, String traceContext) {
        JsonNode context = traceContext == null ? null : Events.parse(traceContext);
        return new ChangeEvent(new Position(1, 1), UUID.randomUUID(), EventKind.INSERT, "INSERT", "Post",
                UUID.randomUUID(), Events.object("{}"), null, null, null, null, Events.AT, null, traceId, context, null);
    }

    private static Map<String, String> headers(String traceId, String traceContext) {
        return TraceParent.headers(event(traceId, traceContext), () -> "00f067aa0ba902b7");
    }

    @Test
    void aTraceparentInTheTraceContextIsCarriedAsIsWithItsState() {
        assertThat(headers("ignored", "{\"traceparent\": \"00-" + TRACE + "-b7ad6b7169203331-00\", \"tracestate\": \"vendor=1\"}"))
                .containsExactly(Map.entry("traceparent", "00-" + TRACE + "-b7ad6b7169203331-00"),
                        Map.entry("tracestate", "vendor=1"));
    }

    @Test
    void traceAndSpanIdsInTheTraceContextMakeATraceparent() {
        assertThat(headers(null, "{\"trace_id\": \"" + TRACE.toUpperCase() + "\", \"span_id\": \"b7ad6b7169203331\"}"))
                .containsExactly(Map.entry("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01"));
        assertThat(headers(null, "{\"trace_id\": \"" + TRACE + "\", \"trace_flags\": \"00\"}"))
                .containsExactly(Map.entry("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-00"));
    }

    @Test
    void aW3cTraceIdColumnIsUsedUnderAFreshSpan() {
        assertThat(headers(TRACE, null)).containsExactly(Map.entry("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01"));
        assertThat(headers("4bf92f35-77b3-4da6-a3ce-929d0e0e4736", null))
                .containsEntry("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01");
    }

    @Test
    void whatIsNotW3cIsLeftOut() {
        assertThat(headers("trace-1", null)).isEmpty();
        assertThat(headers(null, null)).isEmpty();
        assertThat(headers("00000000000000000000000000000000", null)).isEmpty();
        assertThat(headers(null, "{\"traceparent\": \"01-garbage\"}")).isEmpty();
        assertThat(headers(null, "{\"traceparent\": \"00-" + TRACE + "-0000000000000000-01\"}")).isEmpty();
        assertThat(headers(null, "{\"traceparent\": \"00-" + TRACE + "-b7ad6b7169203331-01\", \"tracestate\": \"a=1\\nb=2\"}"))
                .containsOnlyKeys("traceparent");
    }

    @Test
    void freshSpanIdsAreSixteenHexDigitsAndNeverZero() {
        for (int i = 0; i < 100; i++) {
            assertThat(TraceParent.headers(event(TRACE, null)).get("traceparent"))
                    .matches("00-" + TRACE + "-[0-9a-f]{16}-01").doesNotContain("-0000000000000000-");
        }
    }

    private Receiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void webhooksCarryTheTraceUnlessTheOperatorSetTheHeader() throws Exception {
        receiver = new Receiver();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        ChangeEvent traced = event(TRACE, null);
        WebhookAction.from(new ActionConfig.Webhook(Optional.of(receiver.base() + "/t"), Optional.empty(), "POST", Map.of(),
                Optional.empty(), Optional.empty(), OptionalLong.empty()), http, Map.<String, String>of()::get)
                .execute(traced, Events.invocation());
        assertThat(receiver.take().header("traceparent")).matches("00-" + TRACE + "-[0-9a-f]{16}-01");

        WebhookAction.from(new ActionConfig.Webhook(Optional.of(receiver.base() + "/t"), Optional.empty(), "POST",
                        Map.of("traceparent", "00-" + TRACE + "-1111111111111111-01"), Optional.empty(), Optional.empty(),
                        OptionalLong.empty()), http, Map.<String, String>of()::get)
                .execute(traced, Events.invocation());
        assertThat(receiver.take().header("traceparent")).isEqualTo("00-" + TRACE + "-1111111111111111-01");
    }
}
