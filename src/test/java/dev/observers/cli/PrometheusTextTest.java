package dev.observers.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {

    @Test
    void readsNamesLabelsWithEscapesAndSpecialValues() {
        PrometheusText text = PrometheusText.parse("""
                # HELP observer_actions_failed_total Action attempts that failed
                # TYPE observer_actions_failed_total counter
                observer_actions_failed_total{action_type="webhook",error_type="http_5xx"} 3.0
                observer_actions_failed_total{action_type="email",error_type="say \\"no\\"\\\\ \\nthen"} 1.0 1712345678000
                observer_dlq_items NaN
                observer_action_duration_seconds_bucket{action_type="webhook",le="+Inf",} 7.0
                """);
        assertThat(text.samples()).hasSize(4);
        assertThat(text.sum("observer_actions_failed_total")).isEqualTo(4.0);
        assertThat(text.series("observer_actions_failed_total").get(1).label("error_type")).isEqualTo("say \"no\"\\ \nthen");
        assertThat(text.series("observer_dlq_items").getFirst().value()).isNaN();
        assertThat(text.series("observer_action_duration_seconds_bucket").getFirst().label("le")).isEqualTo("+Inf");
        assertThat(text.has("observer_cache_hits_total")).isFalse();
        assertThat(text.sum("observer_cache_hits_total")).isZero();
    }

    @Test
    void readsWhatMicrometerServesForTheDaemonsMeters() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("observer_actions_executed_total").tag("action_type", "webhook").register(registry).increment(5);
        Timer timer = Timer.builder("observer_action_duration_seconds").tag("action_type", "webhook")
                .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        for (int i = 1; i <= 100; i++) {
            timer.record(Duration.ofMillis(i));
        }
        PrometheusText text = PrometheusText.parse(registry.scrape());
        assertThat(text.sum("observer_actions_executed_total")).isEqualTo(5.0);
        assertThat(text.series("observer_action_duration_seconds_bucket")).hasSizeGreaterThan(10);
        assertThat(text.sum("observer_action_duration_seconds_count")).isEqualTo(100.0);
        assertThat(text.series("observer_action_duration_seconds")).extracting(s -> s.label("quantile"))
                .containsExactly("0.5", "0.95", "0.99");
    }

    @Test
    void aLineThatIsNotASampleIsNamed() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\n<html>hello</html>\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"x\" 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1");
    }
}
