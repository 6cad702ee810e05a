package dev.observers.daemon;

import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import dev.observers.search.SearchIndexer;
import dev.observers.subscription.LogPump;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /q/health/ready}: PostgreSQL answers and the daemon reads the log; each subscription's state and lag in the data (see {@link ReadinessRule}). */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements AsyncHealthCheck {

    private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(2);

    @Inject
    Daemon daemon;

    @Inject
    Postgres postgres;

    @Inject
    ObserversConfig config;

    @Override
    public Uni<HealthCheckResponse> call() {
        if (daemon.pump().isEmpty()) {
            return Uni.createFrom().item(respond(Optional.of("not checked: the daemon has not started")));
        }
        return postgres.pool().query("SELECT 1").execute()
                .ifNoItem().after(DATABASE_TIMEOUT).fail()
                .map(rows -> Optional.<String>empty())
                .onFailure().recoverWithItem(e -> Optional.of("does not answer: " + e.getMessage()))
                .map(this::respond);
    }

    private HealthCheckResponse respond(Optional<String> database) {
        Optional<LogPump> pump = daemon.pump();
        boolean running = pump.map(LogPump::running).orElse(false);
        Map<String, Subscriptions.View> here = new HashMap<>();
        daemon.subscriptions().forEach(v -> here.put(v.id(), v));
        List<ReadinessRule.ListenerState> states = new ArrayList<>();
        for (String id : pump.isEmpty() ? List.<String>of() : daemon.subscriptionIds()) {
            Subscriptions.View v = here.get(id);
            states.add(new ReadinessRule.ListenerState(id, running,
                    v == null ? "held by other daemons" : v.state().toString(), v == null ? 0 : v.claims(),
                    id.equals(SearchIndexer.SUBSCRIPTION) && daemon.searchError().isPresent() ? daemon.searchError()
                            : pump.map(LogPump::lastError).filter(e -> e != null),
                    daemon.backlog().flatMap(b -> b.lagOf(id))));
        }
        var readiness = ReadinessRule.judge(database, pump.isPresent(), states, config.ready().maxLagSeconds(),
                config.ready().failOnLag());
        HealthCheckResponseBuilder response = HealthCheckResponse.named("observers").status(readiness.up());
        readiness.data().forEach((key, value) -> {
            switch (value) {
                case Long n -> response.withData(key, n);
                case Boolean b -> response.withData(key, b);
                default -> response.withData(key, value.toString());
            }
        });
        return response.build();
    }
}
