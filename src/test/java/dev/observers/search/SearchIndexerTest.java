package dev.observers.search;

import co.elastic.clients.elasticsearch._types.ErrorCause;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SearchIndexerTest {

    @Test
    void aRefusalSaysWhyWithTheCausesTheNodeNests() {
        ErrorCause error = ErrorCause.of(e -> e.type("document_parsing_exception")
                .reason("[1:289] failed to parse field [data] of type [flattened]")
                .causedBy(c -> c.type("illegal_argument_exception")
                        .reason("The provided [flattened] field [data] exceeds the maximum depth limit of [20].")));
        assertThat(SearchIndexer.describe(error)).isEqualTo("document_parsing_exception: [1:289] failed to parse field"
                + " [data] of type [flattened] (caused by illegal_argument_exception: The provided [flattened] field"
                + " [data] exceeds the maximum depth limit of [20].)");
    }
}
