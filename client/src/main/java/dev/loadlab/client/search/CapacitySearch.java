package dev.loadlab.client.search;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Finds the highest open-loop rate that passes: goodput within the deadline at least
 * {@code sloGoodput} of what was offered, and the client was not the limit (each step's own
 * verdict, {@link SearchStep#passed}). The rate doubles from {@code startRateHz} while steps pass
 * (the {@code rise}), up to {@code maxRateHz}; once a step fails, the rate is bisected between
 * the highest pass and the lowest fail until they are within {@code precision} of the fail
 * (the {@code bisect}). At most {@code maxSteps} steps are run: the answer is then the highest
 * pass so far, and {@link SearchOutcome#stopReason} says so. A first step that fails bisects
 * towards 0; a rate below 1 req/s is never tried.
 *
 * <p>A step that fails while the machine was {@linkplain SearchStep#disturbed disturbed} says
 * nothing about the server: it is run once more at the same rate (the {@code repeat} stage), and
 * that step's verdict stands, disturbed or not. A disturbed pass stands: a disturbance only takes
 * CPU from the server.
 *
 * <p>Rates are whole requests per second. One thread calls {@link #run}; steps run one after
 * another.
 */
public final class CapacitySearch {
    /** The stage of a step that runs a disturbed fail's rate once more. */
    static final String REPEAT = "repeat";
    private static final Duration MIN_SETTLE_LIMIT = Duration.ofSeconds(10);

    private final double sloGoodput;
    private final double startRateHz;
    private final double maxRateHz;
    private final int maxSteps;
    private final double precision;

    private CapacitySearch(Builder builder) {
        this.sloGoodput = builder.sloGoodput;
        this.startRateHz = builder.startRateHz;
        this.maxRateHz = builder.maxRateHz;
        this.maxSteps = builder.maxSteps;
        this.precision = builder.precision;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The longest a search waits, after a failed step, for its target to settle before the next:
     * ten deadlines, and never less than 10 s.
     */
    public static Duration settleLimit(Duration deadline) {
        Duration tenDeadlines = deadline.multipliedBy(10);
        return tenDeadlines.compareTo(MIN_SETTLE_LIMIT) > 0 ? tenDeadlines : MIN_SETTLE_LIMIT;
    }

    /** Runs one open-loop step at a rate and reports what it measured. */
    @FunctionalInterface
    public interface StepRunner {
        /**
         * @param number the step's number, from 1
         * @param stage  {@code rise} or {@code bisect}
         */
        SearchStep run(int number, String stage, double rateHz) throws IOException, InterruptedException;
    }

    /**
     * The search's answer.
     *
     * @param capacityRps   the highest rate that passed; 0 when none did
     * @param lowestFailRps the lowest rate that failed; null when none did
     * @param stopReason    why the search ended, a phrase
     */
    public record SearchOutcome(double capacityRps, Double lowestFailRps, String stopReason, List<SearchStep> steps) {
        public SearchOutcome {
            steps = List.copyOf(steps);
        }
    }

    /** The criterion a step must meet: goodput at least this fraction of the offered requests. */
    public double sloGoodput() {
        return sloGoodput;
    }

    /** Runs the steps, telling {@code onStep} of each as it ends. */
    public SearchOutcome run(StepRunner runner, Consumer<SearchStep> onStep) throws IOException, InterruptedException {
        List<SearchStep> steps = new ArrayList<>();
        double highestPass = 0;
        double lowestFail = Double.POSITIVE_INFINITY;
        double rate = startRateHz;
        String stage = "rise";
        String stopReason = null;
        while (stopReason == null) {
            SearchStep step = runner.run(steps.size() + 1, stage, rate);
            steps.add(step);
            onStep.accept(step);
            boolean repeated = stage.equals(REPEAT);
            stage = lowestFail == Double.POSITIVE_INFINITY ? "rise" : "bisect";
            if (!step.passed() && step.disturbed() && !repeated) {
                stage = REPEAT;
                if (steps.size() >= maxSteps) {
                    stopReason = "the step limit (--max-steps " + maxSteps + ") was reached";
                }
                continue; // the same rate once more
            }
            if (step.passed()) {
                highestPass = Math.max(highestPass, rate);
            } else {
                lowestFail = Math.min(lowestFail, rate);
                stage = "bisect";
            }
            double next;
            if (lowestFail == Double.POSITIVE_INFINITY) {
                next = Math.min(2 * rate, maxRateHz);
                if (rate >= maxRateHz) {
                    stopReason = "passed at --max-rate";
                }
            } else {
                next = Math.floor((highestPass + lowestFail) / 2);
                if (lowestFail - highestPass <= precision * lowestFail) {
                    stopReason = String.format(Locale.ROOT, "the highest pass is within %.0f%% of the lowest fail",
                            precision * 100);
                } else if (next < 1 || next <= highestPass) {
                    stopReason = highestPass == 0 ? "no rate of 1 req/s or more passed"
                            : "the highest pass and the lowest fail are 1 req/s apart";
                }
            }
            if (stopReason == null && steps.size() >= maxSteps) {
                stopReason = "the step limit (--max-steps " + maxSteps + ") was reached";
            }
            rate = next;
        }
        return new SearchOutcome(highestPass, lowestFail == Double.POSITIVE_INFINITY ? null : lowestFail,
                stopReason, steps);
    }

    /** Builds a search; every value is checked where it enters (the command line). */
    public static final class Builder {
        private double sloGoodput = 0.99;
        private double startRateHz = 100;
        private double maxRateHz = 100_000;
        private int maxSteps = 12;
        private double precision = 0.05;

        private Builder() {
        }

        /** Goodput a step needs, as a fraction of its offered requests, in (0, 1]. */
        public Builder sloGoodput(double fraction) {
            this.sloGoodput = fraction;
            return this;
        }

        /** The first step's rate, at least 1. */
        public Builder startRateHz(double rateHz) {
            this.startRateHz = rateHz;
            return this;
        }

        /** The highest rate tried, at least the start rate. */
        public Builder maxRateHz(double rateHz) {
            this.maxRateHz = rateHz;
            return this;
        }

        /** At most this many steps, at least 1. */
        public Builder maxSteps(int steps) {
            this.maxSteps = steps;
            return this;
        }

        /** Bisect until the highest pass is within this fraction of the lowest fail, in (0, 1). */
        public Builder precision(double fraction) {
            this.precision = fraction;
            return this;
        }

        public CapacitySearch build() {
            return new CapacitySearch(this);
        }
    }
}
