package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.RequestOptions;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Puts the daemon's lifecycle policy on the cluster, or finds that the cluster has no ILM. The policy is
 * written only when missing or different (each PUT bumps the policy's version, and a daemon restarts
 * often), and the outcome is logged in one line. It speaks raw JSON through the client's own low-level
 * client, so the policy file reaches the cluster as the user wrote it and the requests carry the same
 * compatibility headers as every other request of {@link SearchClients}.
 */
public final class LifecycleInstaller {

    private static final Logger LOG = Logger.getLogger(LifecycleInstaller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the typed client declares; the compatibility interceptor of SearchClients rewrites the version. */
    private static final ContentType MEDIA_TYPE = ContentType.create("application/vnd.elasticsearch+json",
            new BasicNameValuePair("compatible-with", "9"));

    /**
     * Values Elasticsearch fills in when a policy leaves them out and then returns on GET, per action:
     * dropped before comparing so that a file leaving them out does not look different on every start.
     */
    static final Map<String, Map<String, JsonNode>> ACTION_DEFAULTS = Map.of(
            "delete", Map.of("delete_searchable_snapshot", TextNode.valueOf("true")),
            "shrink", Map.of("allow_write_after_shrink", TextNode.valueOf("false")),
            "searchable_snapshot", Map.of("force_merge_index", TextNode.valueOf("true")),
            "migrate", Map.of("enabled", TextNode.valueOf("true")),
            "allocate", Map.of("include", JsonNodeFactory.instance.objectNode(),
                    "exclude", JsonNodeFactory.instance.objectNode(),
                    "require", JsonNodeFactory.instance.objectNode()));

    private final Rest5Client rest;

    /** @param client a client built by {@link SearchClients#create} (its transport is a Rest5Client) */
    public LifecycleInstaller(ElasticsearchClient client) {
        if (!(client._transport() instanceof Rest5ClientTransport transport)) {
            throw new IllegalArgumentException("LifecycleInstaller needs a client from SearchClients.create (a Rest5Client"
                    + " transport), not " + client._transport().getClass().getName());
        }
        this.rest = transport.restClient();
    }

    /**
     * Installs {@code policy} when the cluster has ILM and the policy is missing or differs from it there.
     *
     * @return {@link Lifecycle.Managed} when ILM now applies the policy, {@link Lifecycle.Unmanaged} when
     *         the cluster has no ILM and the daemon must delete old indices itself
     * @throws IOException when the cluster cannot be reached or refuses (a missing privilege, an invalid policy)
     */
    public Lifecycle install(IlmPolicy policy) throws IOException {
        String path = "/_ilm/policy/" + URLEncoder.encode(policy.name(), StandardCharsets.UTF_8).replace("+", "%20");
        Answer got = send("GET", path, null);
        Optional<String> noIlm = noIlm(got.status(), got.body());
        if (noIlm.isPresent()) {
            String reason = "GET " + path + " answered " + got.status() + ": " + noIlm.get();
            LOG.infof("This Elasticsearch cluster has no index lifecycle management (%s): the daemon deletes daily indices"
                    + " older than %d days itself", reason, policy.retentionDays());
            return new Lifecycle.Unmanaged(reason);
        }
        JsonNode stored = switch (got.status()) {
            case 200 -> got.json().path(policy.name()).path("policy");
            case 404 -> JsonNodeFactory.instance.missingNode();
            default -> throw refused(got, "GET " + path, policy);
        };
        JsonNode wanted = policy.body().get("policy");
        if (stored.isMissingNode()) {
            put(path, policy);
            LOG.infof("ILM policy %s installed from %s: daily indices are deleted after %d days", policy.name(),
                    policy.source(), policy.retentionDays());
        } else if (normalised(stored).equals(normalised(wanted))) {
            LOG.infof("ILM policy %s unchanged: daily indices are deleted after %d days", policy.name(),
                    policy.retentionDays());
        } else {
            put(path, policy);
            LOG.infof("ILM policy %s updated: the cluster's copy differed from %s; daily indices are deleted after %d days",
                    policy.name(), policy.source(), policy.retentionDays());
        }
        warnIfStopped(policy);
        return new Lifecycle.Managed(policy.name());
    }

    /**
     * How a node without the ILM module answers an ILM request, or empty when this answer came from ILM.
     * An 8.19.21 node without it answers {@code 400 {"error":"no handler found for uri [/_ilm/policy/<name>]
     * and method [GET]"}} (and {@code 405 Incorrect HTTP method} to {@code GET _ilm/status}); serverless
     * projects answer 410.
     */
    static Optional<String> noIlm(int status, String body) {
        String error = errorText(body);
        boolean noHandler = error.contains("no handler found") || error.contains("Incorrect HTTP method");
        if ((status == 400 || status == 404 || status == 405) && noHandler || status == 410) {
            return Optional.of(error);
        }
        return Optional.empty();
    }

    /**
     * A policy as compared: its phases and {@code _meta}, each phase's {@code min_age} as a duration
     * (absent is 0), the defaults of {@link #ACTION_DEFAULTS} dropped and scalars compared as text
     * (so {@code 1} and {@code "1"} agree); {@code version}, {@code modified_date} and {@code in_use_by}
     * sit outside the policy object and never take part.
     */
    static JsonNode normalised(JsonNode policy) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode phases = out.putObject("phases");
        for (Map.Entry<String, JsonNode> phase : policy.path("phases").properties()) {
            ObjectNode p = phases.putObject(phase.getKey());
            String minAge = phase.getValue().path("min_age").asText("0ms");
            p.put("min_age", IlmPolicies.timeValue(minAge).map(Object::toString).orElse(minAge));
            ObjectNode actions = p.putObject("actions");
            for (Map.Entry<String, JsonNode> action : phase.getValue().path("actions").properties()) {
                JsonNode settings = scalarsAsText(action.getValue());
                if (settings instanceof ObjectNode object) {
                    ACTION_DEFAULTS.getOrDefault(action.getKey(), Map.of()).forEach((field, value) -> {
                        if (value.equals(object.get(field))) {
                            object.remove(field);
                        }
                    });
                }
                actions.set(action.getKey(), settings);
            }
        }
        if (policy.has("_meta")) {
            out.set("_meta", scalarsAsText(policy.get("_meta")));
        }
        return out;
    }

    private static JsonNode scalarsAsText(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), scalarsAsText(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(scalarsAsText(element)));
            return copy;
        }
        return node.isNull() ? node : TextNode.valueOf(node.asText());
    }

    private void put(String path, IlmPolicy policy) throws IOException {
        Answer put = send("PUT", path, policy.body().toString());
        if (put.status() != 200 || !put.json().path("acknowledged").asBoolean(false)) {
            throw refused(put, "PUT " + path, policy);
        }
    }

    /** A STOPPED ILM keeps the policy but deletes nothing: worth one warning, never a failure. */
    private void warnIfStopped(IlmPolicy policy) {
        try {
            Answer status = send("GET", "/_ilm/status", null);
            String mode = status.json().path("operation_mode").asText("");
            if (status.status() == 200 && !mode.equals("RUNNING")) {
                LOG.warnf("ILM on this cluster is %s: policy %s is installed but no index is deleted until ILM runs"
                        + " again (POST _ilm/start)", mode, policy.name());
            } else if (status.status() != 200) {
                LOG.debugf("GET /_ilm/status answered %d: %s", status.status(), errorText(status.body()));
            }
        } catch (IOException e) {
            LOG.debugf("GET /_ilm/status failed: %s", e.getMessage());
        }
    }

    private static IOException refused(Answer answer, String request, IlmPolicy policy) {
        String hint = switch (answer.status()) {
            case 401, 403 -> " (the daemon's Elasticsearch user needs the manage_ilm cluster privilege)";
            case 400 -> " (policy from " + policy.source() + ")";
            default -> "";
        };
        return new IOException("Elasticsearch answered " + request + " with " + answer.status() + ": "
                + errorText(answer.body()) + hint);
    }

    /** The error's reason: {@code error.reason}, a plain {@code error} string, or the body itself. */
    private static String errorText(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
            if (error.has("reason")) {
                return error.path("type").asText("error") + ": " + error.get("reason").asText();
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // not JSON: the body speaks for itself
        }
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private Answer send(String method, String path, String body) throws IOException {
        Request request = new Request(method, path);
        RequestOptions.Builder options = RequestOptions.DEFAULT.toBuilder();
        options.addHeader("Accept", MEDIA_TYPE.toString());
        request.setOptions(options);
        if (body != null) {
            request.setEntity(new StringEntity(body, MEDIA_TYPE));
        }
        Response response;
        try {
            response = rest.performRequest(request);
        } catch (ResponseException e) {
            response = e.getResponse();
        }
        String text;
        try {
            text = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
        } catch (org.apache.hc.core5.http.ParseException e) {
            throw new IOException("unreadable answer to " + method + " " + path, e);
        }
        return new Answer(response.getStatusCode(), text);
    }

    private record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return JsonNodeFactory.instance.missingNode();
            }
        }
    }
}
