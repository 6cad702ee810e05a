package dev.observers.action;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDeliveryTest {

    @ParameterizedTest(name = "HTTP {0} is {1} ({2})")
    @CsvSource({
            "400, PERMANENT, http_4xx",
            "401, PERMANENT, http_4xx",
            "404, PERMANENT, http_4xx",
            "410, PERMANENT, http_4xx",
            "408, TRANSIENT, http_4xx",
            "429, TRANSIENT, http_429",
            "500, TRANSIENT, http_5xx",
            "502, TRANSIENT, http_5xx",
            "503, TRANSIENT, http_5xx",
            "302, PERMANENT, http_3xx",
            "999, PERMANENT, http_other",
    })
    void classifiesStatuses(int status, ActionFailure.Kind kind, String errorType) {
        ActionFailure failure = HttpDelivery.classify("webhook to http://h:80", status, "");
        assertThat(failure.kind()).isEqualTo(kind);
        assertThat(failure.errorType()).isEqualTo(errorType);
        assertThat(failure.getMessage()).isEqualTo("webhook to http://h:80 answered HTTP " + status);
    }
}
