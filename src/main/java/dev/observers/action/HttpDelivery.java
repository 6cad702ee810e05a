package dev.observers.action;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends one HTTP attempt for the webhook and Slack actions and classifies the outcome: 2xx succeeds;
 * 408, 429, 5xx, connection failures and timeouts are transient; other statuses are permanent.
 * Failure messages name the endpoint's target and the status, never its secrets.
 */
final class HttpDelivery {

    /** How much of an error response's body a failure message quotes. */
    private static final int SNIPPET_BYTES = 200;

    private HttpDelivery() {
    }

    /** Sends {@code request}, timed out at the invocation's deadline. Returns normally on a 2xx answer. */
    static void send(HttpClient client, HttpRequest.Builder request, HttpEndpoint endpoint, Invocation invocation,
                     String type) throws ActionFailure, InterruptedException {
        String what = type + " to " + endpoint.target();
        Duration left = Duration.between(Instant.now(), invocation.deadline());
        if (left.isNegative() || left.isZero()) {
            throw ActionFailure.transientFailure("timeout", what + ": the attempt's deadline passed before sending");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.timeout(left).build(), HttpDelivery::subscriber);
        } catch (HttpConnectTimeoutException e) {
            throw ActionFailure.transientFailure("connect", what + ": could not connect in time");
        } catch (HttpTimeoutException e) {
            throw ActionFailure.transientFailure("timeout", what + ": no response within " + left.toMillis() + " ms");
        } catch (ConnectException e) {
            throw ActionFailure.transientFailure("connect", what + ": could not connect ("
                    + endpoint.redact(describe(e)) + ")");
        } catch (IOException e) {
            throw ActionFailure.transientFailure("io", what + ": " + endpoint.redact(describe(e)));
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw classify(what, status, endpoint.redact(snippet(response.body())));
        }
    }

    /**
     * The failure for a non-2xx {@code status}: 408, 429 and 5xx are transient, the rest permanent.
     * Its errorType is one of http_4xx, http_429, http_5xx, http_1xx, http_3xx, http_other.
     */
    static ActionFailure classify(String what, int status, String detail) {
        String message = what + " answered HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
        if (status == 429) {
            return ActionFailure.transientFailure("http_429", message);
        }
        if (status == 408) {
            return ActionFailure.transientFailure("http_4xx", message);
        }
        if (status >= 500 && status < 600) {
            return ActionFailure.transientFailure("http_5xx", message);
        }
        if (status >= 100 && status < 500) {
            return ActionFailure.permanent("http_" + status / 100 + "xx", message);
        }
        return ActionFailure.permanent("http_other", message);
    }

    /** Success bodies are discarded unread; error bodies are kept for the message. */
    private static BodySubscriber<InputStream> subscriber(ResponseInfo info) {
        return info.statusCode() / 100 == 2
                ? BodySubscribers.replacing(InputStream.nullInputStream())
                : BodySubscribers.ofInputStream();
    }

    private static String snippet(InputStream body) throws InterruptedException {
        try (body) {
            byte[] bytes = body.readNBytes(SNIPPET_BYTES);
            return new String(bytes, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while reading an error response");
            }
            return "(body unreadable: " + describe(e) + ")";
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
