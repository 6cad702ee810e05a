package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.changelog.ChangeEvent;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * W3C Trace Context headers for a delivery, so the receiver's trace joins the one that wrote the
 * change. From the row's {@code trace_context}: a {@code traceparent} (and {@code tracestate}) carried
 * as is, or {@code trace_id} with {@code span_id} and {@code trace_flags}; else from the {@code trace_id}
 * column when it is a W3C trace id (32 hex digits, dashes ignored), under a fresh span id. Anything
 * that is not valid W3C is left out rather than sent malformed.
 */
final class TraceParent {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern FLAGS = Pattern.compile("[0-9a-f]{2}");

    private TraceParent() {
    }

    /** {@code traceparent} (and {@code tracestate} when known) for {@code event}; empty when it carries no trace. */
    static Map<String, String> headers(ChangeEvent event) {
        return headers(event, TraceParent::newSpanId);
    }

    static Map<String, String> headers(ChangeEvent event, Supplier<String> newSpanId) {
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode context = event.traceContext();
        if (context != null && context.isObject()) {
            String given = text(context, "traceparent");
            if (given != null && valid(given)) {
                headers.put("traceparent", given);
                String state = context.path("tracestate").isTextual() ? context.get("tracestate").asText().strip() : null;
                if (state != null && !state.isEmpty() && state.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                    headers.put("tracestate", state);
                }
                return headers;
            }
            String traceId = text(context, "trace_id");
            if (traceId != null && TRACE_ID.matcher(traceId).matches() && !zero(traceId)) {
                String span = text(context, "span_id");
                String flags = text(context, "trace_flags");
                headers.put("traceparent", "00-" + traceId + "-"
                        + (span != null && SPAN_ID.matcher(span).matches() && !zero(span) ? span : newSpanId.get()) + "-"
                        + (flags != null && FLAGS.matcher(flags).matches() ? flags : "01"));
                return headers;
            }
        }
        String traceId = event.traceId() == null ? null : event.traceId().strip().replace("-", "").toLowerCase(Locale.ROOT);
        if (traceId != null && TRACE_ID.matcher(traceId).matches() && !zero(traceId)) {
            headers.put("traceparent", "00-" + traceId + "-" + newSpanId.get() + "-01");
        }
        return headers;
    }

    private static boolean valid(String traceparent) {
        var m = TRACEPARENT.matcher(traceparent);
        return m.matches() && !zero(m.group(1)) && !zero(m.group(2));
    }

    private static String text(JsonNode context, String field) {
        JsonNode node = context.get(field);
        return node != null && node.isTextual() ? node.asText().strip().toLowerCase(Locale.ROOT) : null;
    }

    private static boolean zero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }

    private static String newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return String.format("%016x", id);
    }
}
