package dev.observers.action;

import dev.observers.changelog.ChangeEvent;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@code type: publish}: sends the event to the broker's exchange with a routing key rendered from
 * the event. An attempt succeeds only when the broker has confirmed the message; a negative
 * confirm, a lost connection or no confirm before the deadline are all transient. The message id is
 * the idempotency key, so consumers can drop a message a replay sends again.
 */
public final class PublishAction implements Action {

    private static final int MAX_ROUTING_KEY_BYTES = 255;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Emitter<String> channel;
    private final String target;
    private final Function<ChangeEvent, String> routingKey;
    private final Function<ChangeEvent, String> body;
    private final String contentType;

    PublishAction(Emitter<String> channel, String target, Function<ChangeEvent, String> routingKey,
                  Function<ChangeEvent, String> body, String contentType) {
        this.channel = channel;
        this.target = target;
        this.routingKey = routingKey;
        this.body = body;
        this.contentType = contentType;
    }

    @Override
    public String type() {
        return "publish";
    }

    /** The broker's exchange at {@code host:port}: publish actions share one connection, so one breaker. */
    @Override
    public String target() {
        return target;
    }

    @Override
    public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException {
        String key = routingKey.apply(event);
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES) {
            throw ActionFailure.permanent("invalid_routing_key", "routing key for event " + event.id()
                    + " is longer than " + MAX_ROUTING_KEY_BYTES + " bytes");
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        Message<String> message = Message.of(body.apply(event), Metadata.of(metadata(key, event, invocation)),
                () -> complete(confirmed, null), reason -> complete(confirmed, reason));
        try {
            channel.send(message);
        } catch (RuntimeException e) {
            throw new ActionFailure(ActionFailure.Kind.TRANSIENT, "unavailable",
                    "broker channel to " + target + " cannot take messages: " + e.getMessage(), e);
        }
        await(confirmed, invocation.deadline());
    }

    private OutgoingRabbitMQMetadata metadata(String key, ChangeEvent event, Invocation invocation) {
        OutgoingRabbitMQMetadata.Builder metadata = new OutgoingRabbitMQMetadata.Builder()
                .withRoutingKey(key)
                .withMessageId(invocation.idempotencyKey())
                .withContentType(contentType)
                .withDeliveryMode(2)
                .withAppId("observers")
                .withHeader("observer", invocation.observer())
                .withHeader("event_id", String.valueOf(event.id()));
        if (event.timestamp() != null) {
            metadata.withTimestamp(event.timestamp().atZone(ZoneOffset.UTC));
        }
        return metadata.build();
    }

    private void await(CompletableFuture<Void> confirmed, Instant deadline) throws ActionFailure, InterruptedException {
        long waitMs = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        try {
            confirmed.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ActionFailure(ActionFailure.Kind.TRANSIENT, "timeout",
                    "broker " + target + " did not confirm the message within " + waitMs + " ms", e);
        } catch (ExecutionException e) {
            Throwable reason = e.getCause();
            throw new ActionFailure(ActionFailure.Kind.TRANSIENT, "nack",
                    "broker " + target + " did not take the message: " + describe(reason), reason);
        }
    }

    private static CompletionStage<Void> complete(CompletableFuture<Void> confirmed, Throwable reason) {
        if (reason == null) {
            confirmed.complete(null);
        } else {
            confirmed.completeExceptionally(reason);
        }
        return DONE;
    }

    private static String describe(Throwable reason) {
        String text = reason.getMessage() == null ? reason.getClass().getSimpleName() : reason.getMessage();
        Throwable root = reason;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == reason || root.getMessage() == null || text.contains(root.getMessage()) ? text
                : text + ": " + root.getMessage();
    }
}
