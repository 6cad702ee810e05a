package dev.observers.cli;

import dev.observers.config.HttpUrl;
import dev.observers.testing.TestServers;

/**
 * Every search test again against the 9.x test node, with the client's own REST headers
 * ({@code OBSERVERS_ELASTICSEARCH_COMPATIBILITY=9}); {@link SearchIT} runs them against 8.x with
 * compatibility-8 headers.
 */
class SearchOnElasticsearch9IT extends SearchIT {

    @Override
    HttpUrl nodeUnderTest() {
        return TestServers.elasticsearch9();
    }

    @Override
    String compatibility() {
        return "9";
    }
}
