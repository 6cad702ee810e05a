package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;

/**
 * The index template every daily index of the daemon is created from: ids, types and dates as
 * keywords and dates; the payloads ({@code data}, {@code before}, {@code changes}, {@code extra_metadata})
 * as {@code flattened} fields, so any number of distinct payload keys costs one mapped field each, not
 * one per key; unknown top-level fields are kept in the source but not mapped. Shards, replicas and the
 * refresh interval come from the configuration; the lifecycle policy is named only when the cluster has
 * ILM (nodes without it reject the setting).
 */
public final class IndexTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Knobs of the template. */
    public record Settings(String prefix, int shards, int replicas, String refreshInterval) {
    }

    private IndexTemplate() {
    }

    /** The template's name: {@code <prefix>-events}. */
    public static String name(String prefix) {
        return prefix + "-events";
    }

    /** The body of {@code PUT _index_template/<name>}. */
    public static ObjectNode body(Settings settings, Optional<String> lifecyclePolicy) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("index_patterns").add(settings.prefix() + "-*");
        body.put("priority", 200);
        ObjectNode template = body.putObject("template");
        ObjectNode index = template.putObject("settings").putObject("index");
        index.put("number_of_shards", settings.shards());
        index.put("number_of_replicas", settings.replicas());
        index.put("refresh_interval", settings.refreshInterval());
        lifecyclePolicy.ifPresent(policy -> index.putObject("lifecycle").put("name", policy)
                .put("parse_origination_date", true));
        ObjectNode mappings = template.putObject("mappings");
        mappings.put("dynamic", false);
        ObjectNode properties = mappings.putObject("properties");
        for (String keyword : new String[] {"id", "event_type", "modification_type", "entity_type", "entity_id",
                "user_id", "tenant_id", "trace_id", "updated_fields"}) {
            properties.putObject(keyword).put("type", "keyword");
        }
        properties.putObject("pk").put("type", "long");
        properties.putObject("timestamp").put("type", "date");
        for (String payload : new String[] {"data", "before", "changes", "extra_metadata"}) {
            properties.putObject(payload).put("type", "flattened");
        }
        body.putObject("_meta").put("managed_by", "observers");
        return body;
    }

    /** Installs (or replaces) the template; idempotent. */
    public static void install(ElasticsearchClient client, Settings settings, Optional<String> lifecyclePolicy)
            throws IOException {
        String json = body(settings, lifecyclePolicy).toString();
        client.indices().putIndexTemplate(t -> t.name(name(settings.prefix())).withJson(new StringReader(json)));
    }
}
