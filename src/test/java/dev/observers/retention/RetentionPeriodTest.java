package dev.observers.retention;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionPeriodTest {

    @Test
    void readsAWholeNumberAndAUnit() {
        assertThat(RetentionPeriod.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(RetentionPeriod.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(RetentionPeriod.parse("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RetentionPeriod.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetentionPeriod.parse(" 2W ")).isEqualTo(Duration.ofDays(14));
        assertThat(RetentionPeriod.parse("PT36H")).isEqualTo(Duration.ofHours(36));
    }

    @Test
    void refusesWhatIsNotAPositiveDuration() {
        for (String bad : new String[] {"", "30", "d", "30 days", "1.5h", "-5s", "0s", "PT0S", "P-1D", "30y"}) {
            assertThatThrownBy(() -> RetentionPeriod.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writesItBackInTheLargestUnitThatDividesIt() {
        assertThat(RetentionPeriod.format(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(RetentionPeriod.format(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(RetentionPeriod.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(RetentionPeriod.format(Duration.ofSeconds(5))).isEqualTo("5s");
    }
}
