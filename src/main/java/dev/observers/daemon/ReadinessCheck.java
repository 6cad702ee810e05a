package dev.observers.daemon;

import dev.observers.changelog.ChangeLogListener;
import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code /q/health/ready}: PostgreSQL answers and every listener runs (see {@link ReadinessRule}). */
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
        List<ChangeLogListener> listeners = daemon.listeners();
        if (listeners.isEmpty()) {
            return Uni.createFrom().item(respond(Optional.of("not checked: the daemon has not started"), listeners));
        }
        return postgres.pool().query("SELECT 1").execute()
                .ifNoItem().after(DATABASE_TIMEOUT).fail()
                .map(rows -> Optional.<String>empty())
                .onFailure().recoverWithItem(e -> Optional.of("does not answer: " + e.getMessage()))
                .map(database -> respond(database, listeners));
    }

    private HealthCheckResponse respond(Optional<String> database, List<ChangeLogListener> listeners) {
        var states = listeners.stream().map(l -> new ReadinessRule.ListenerState(l.id(), l.running(),
                Optional.ofNullable(l.lastError()), daemon.backlog().flatMap(b -> b.lagOf(l.id())))).toList();
        var readiness = ReadinessRule.judge(database, states, config.ready().maxLagSeconds(),
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
