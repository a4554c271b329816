package dev.loadlab.api.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probe's latency estimate, on a clock the test steps. */
class ServiceTimesByLoadTest {
    private long nowNanos = 1_000_000_000L;
    private final ServiceTimesByLoad times = new ServiceTimesByLoad(() -> nowNanos);

    private static long millis(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void saysZeroBeforeAnyAnswer() {
        assertThat(times.medianNanosAt(0)).isZero();
        assertThat(times.medianNanosAt(500)).isZero();
    }

    @Test
    void isTheMedianOfTheAnswersAtThatLoad() {
        for (long ms : new long[] {10, 50, 20, 30, 40}) {
            times.record(3, millis(ms));
        }
        assertThat(times.medianNanosAt(3)).isEqualTo(millis(30));
        times.record(3, millis(60));
        assertThat(times.medianNanosAt(3)).as("an even count: the mean of the middle two").isEqualTo(millis(35));
    }

    @Test
    void keepsOnlyTheLastSamplesOfALoad() {
        for (int i = 0; i < ServiceTimesByLoad.SAMPLES; i++) {
            times.record(0, millis(100));
        }
        for (int i = 0; i < ServiceTimesByLoad.SAMPLES / 2 + 1; i++) {
            times.record(0, millis(10));
        }
        assertThat(times.medianNanosAt(0)).as("most of the ring is the newer, faster answers").isEqualTo(millis(10));
    }

    @Test
    void answersForTheLoadAskedAboutNotForTheLatestAnswers() {
        times.record(0, millis(10));
        times.record(40, millis(400));
        assertThat(times.medianNanosAt(0)).isEqualTo(millis(10));
        assertThat(times.medianNanosAt(40)).isEqualTo(millis(400));
        assertThat(times.medianNanosAt(41)).as("the same bucket as 40").isEqualTo(millis(400));
    }

    @Test
    void aLoadWithoutAnswersBorrowsTheNearestLoadThatHasRecentOnes() {
        times.record(2, millis(20));
        times.record(64, millis(640));
        assertThat(times.medianNanosAt(5)).isEqualTo(millis(20));
        assertThat(times.medianNanosAt(60)).isEqualTo(millis(640));
        nowNanos += TimeUnit.SECONDS.toNanos(11);
        times.record(64, millis(650));
        assertThat(times.medianNanosAt(5)).as("load 2's answers are no longer recent").isEqualTo(millis(645));
        nowNanos += TimeUnit.SECONDS.toNanos(11);
        assertThat(times.medianNanosAt(5)).as("nothing recent anywhere: the nearest with any").isEqualTo(millis(20));
    }

    @Test
    void bucketsAreExactForSmallLoadsThenFourPerPowerOfTwo() {
        assertThat(ServiceTimesByLoad.bucketOf(0)).isZero();
        assertThat(ServiceTimesByLoad.bucketOf(7)).isEqualTo(7);
        assertThat(ServiceTimesByLoad.bucketOf(8)).isEqualTo(ServiceTimesByLoad.bucketOf(9)).isEqualTo(8);
        assertThat(ServiceTimesByLoad.bucketOf(10)).isEqualTo(9);
        assertThat(ServiceTimesByLoad.bucketOf(16)).isEqualTo(12);
        assertThat(ServiceTimesByLoad.bucketOf(1_100_000)).isLessThan(ServiceTimesByLoad.BUCKETS);
        assertThat(ServiceTimesByLoad.bucketOf(Integer.MAX_VALUE)).isEqualTo(ServiceTimesByLoad.BUCKETS - 1);
    }
}
