package io.ampfill.delivery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointWatchTest {
    private static final long SECOND = 1_000_000_000L;
    private static final BatchAnswer PAGE = new BatchAnswer.NotAmplitude("200 with an HTML page (<html>)");

    private final List<String> lines = new ArrayList<>();
    private final EndpointWatch watch = new EndpointWatch(lines::add);

    @Test
    void stops_once_answers_not_amplitudes_have_come_for_a_minute_and_five_times() {
        for (long t : new long[]{0, 15, 30, 45}) {
            assertThat(watch.answered(PAGE, t * SECOND)).isSameAs(PAGE);
        }

        BatchAnswer fifth = watch.answered(PAGE, 60 * SECOND);

        assertThat(fifth).isInstanceOf(BatchAnswer.Fatal.class);
        assertThat(((BatchAnswer.Fatal) fifth).message()).isEqualTo("the endpoint's answers have not been Amplitude's for"
                + " 1m 0s (5 answers; the last: 200 with an HTML page (<html>)). This usually means a wrong"
                + " amplitude.endpoint, or a proxy between ampfill and Amplitude; none of these answers was taken as delivered");
    }

    @Test
    void goes_on_through_a_burst_of_answers_not_amplitudes_shorter_than_a_minute() {
        for (int i = 0; i < 50; i++) {
            assertThat(watch.answered(PAGE, i * SECOND)).isSameAs(PAGE);
        }
    }

    @Test
    void starts_counting_again_after_an_answer_of_amplitudes_but_not_after_a_5xx() {
        watch.answered(PAGE, 0);
        watch.answered(PAGE, 20 * SECOND);
        watch.answered(new BatchAnswer.Acknowledged(), 30 * SECOND);
        for (long t : new long[]{40, 50, 60, 70, 80}) {
            assertThat(watch.answered(PAGE, t * SECOND)).isSameAs(PAGE);
        }
        watch.answered(new BatchAnswer.Resend("503", null), 90 * SECOND);

        assertThat(watch.answered(PAGE, 100 * SECOND)).isInstanceOf(BatchAnswer.Fatal.class);
    }

    @Test
    void says_once_that_amplitude_is_unreachable_after_three_requests_in_a_row_without_an_answer_and_once_that_it_is_back() {
        watch.unanswered("connection refused", 0);
        watch.unanswered("connection refused", 2 * SECOND);
        assertThat(lines).isEmpty();
        for (long t = 4; t < 70; t += 2) {
            watch.unanswered("connection refused", t * SECOND);
        }

        watch.answered(new BatchAnswer.Acknowledged(), 70 * SECOND);
        watch.answered(new BatchAnswer.Acknowledged(), 71 * SECOND);

        assertThat(lines).containsExactly(
                "Amplitude is unreachable (connection refused, 3 requests in a row without an answer): its events wait and"
                        + " are sent again, with backoff, until it answers",
                "Amplitude answers again, after 1m 10s unreachable (35 requests went without an answer)");
    }

    @Test
    void says_nothing_of_a_request_or_two_without_an_answer_among_answers() {
        for (int i = 0; i < 10; i++) {
            watch.unanswered("connection error", i * SECOND);
            watch.unanswered("timeout", i * SECOND);
            watch.answered(new BatchAnswer.Resend("503", null), i * SECOND);
        }

        assertThat(lines).isEmpty();
    }
}
