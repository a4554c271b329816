package dev.loadlab.client.search;

import java.util.List;
import java.util.Locale;

/**
 * One step of a capacity search: an open loop at {@code rateHz}, and its verdict.
 *
 * @param number         1 for the first step
 * @param stage          {@code rise} (doubling until a step fails), {@code bisect}, or {@code repeat}
 *                       (a disturbed fail's rate once more)
 * @param rateHz         the offered rate
 * @param sent           measured requests sent (the timetable's, all of them)
 * @param good           2xx answers within the deadline from their intended send time
 * @param answeredRps    answers per second over the step: every outcome, over the time from the
 *                       first slot to the last outcome less the median latency (never less than
 *                       the timetable's own length)
 * @param serverKeptUp   {@code answeredRps} at least {@link #KEPT_UP_FRACTION} of the rate: a queue that
 *                       grows shows here before it has grown past the deadline, which a short step
 *                       cannot wait for
 * @param p99Ms          the step's latency p99 from intended time
 * @param p99Kept        {@code p99Ms} within the search's latency criterion ({@code --slo-p99}): at
 *                       a rate just past capacity a queue can hold every answer just inside the
 *                       deadline for a whole short step, passing the goodput criterion
 * @param dispatchLagP99Ms the step's dispatch-lag p99: how late after their slots requests left
 * @param clientLimited  the client, not the server, was the limit: its CPU, a rate it did not
 *                       keep, or a dispatch lag that ate into the deadline (the search's
 *                       judgement, laxer than the run's own {@code client_limit}: see {@code
 *                       client search})
 * @param clientReasons  why, one sentence each; empty when not limited
 * @param disturbed      the hypervisor took at least 5% of the machine's CPU during the step (its
 *                       {@code disturbed}): a fail then says nothing about the server, and the
 *                       search runs the rate once more
 * @param settleMs       how long the search waited for the target to settle before this step (after
 *                       a failed one: see {@code client search}); 0 when it did not wait
 * @param settled        the target had settled when this step began (true when nothing was waited for)
 * @param passed         goodput at least the criterion's fraction of {@code sent}, the p99 within
 *                       its criterion, the server kept up, and the client was not the limit
 * @param resultDir      where the step's result files are, relative to the search's output; null without one
 */
public record SearchStep(int number, String stage, double rateHz, long sent, long good, double answeredRps,
                         boolean serverKeptUp, double p99Ms, boolean p99Kept, double dispatchLagP99Ms,
                         boolean clientLimited,
                         List<String> clientReasons, boolean disturbed, double settleMs, boolean settled,
                         boolean passed, String resultDir) {
    /**
     * The share of the offered rate a step's answers must keep up with. Not 1: the last answer
     * of a step that kept up still comes a little after the median's (30 ms in a 1 s step).
     */
    public static final double KEPT_UP_FRACTION = 0.97;

    public SearchStep {
        clientReasons = List.copyOf(clientReasons);
    }

    /** {@code good / sent}, 0 when nothing was sent. */
    public double goodputFraction() {
        return sent == 0 ? 0 : (double) good / sent;
    }

    /**
     * Why the step passed or failed, by the search's criteria (goodput fraction, p99 in ms):
     * "pass", or "fail: " and the first criterion it missed.
     */
    public String verdict(double sloGoodput, double sloP99Ms) {
        if (passed) {
            return "pass";
        }
        if (clientLimited) {
            return "fail: client limit: " + String.join("; ", clientReasons);
        }
        if (!serverKeptUp) {
            return String.format(Locale.ROOT, "fail: the server fell behind: answered %,.0f of %,.0f req/s",
                    answeredRps, rateHz);
        }
        if (goodputFraction() < sloGoodput) {
            return String.format(Locale.ROOT, "fail: goodput %.1f%% < %.1f%%", goodputFraction() * 100,
                    sloGoodput * 100);
        }
        return "fail: p99 " + millis(p99Ms) + " over the " + millis(sloP99Ms) + " criterion";
    }

    /** One line: the step, its figures and {@link #verdict}. */
    public String describe(double sloGoodput, double sloP99Ms) {
        return String.format(Locale.ROOT, "step %2d  %-6s  %,9.0f req/s  sent %,8d  good %,8d (%5.1f%%)  p99 %s"
                        + "  lag p99 %s  %s%s", number, stage, rateHz, sent, good, goodputFraction() * 100, millis(p99Ms),
                millis(dispatchLagP99Ms), verdict(sloGoodput, sloP99Ms), disturbed ? " (disturbed: steal >= 5%)" : "")
                + (settleMs > 0 ? String.format(Locale.ROOT, "%s after %s of settling", settled ? "" : " (not settled)",
                millis(settleMs)) : "");
    }

    private static String millis(double ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.2f s", ms / 1000)
                : String.format(Locale.ROOT, "%.2f ms", ms);
    }
}
