package dev.loadlab.client.load;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * This process's part in a fleet of {@code count} generators that share one load: generator
 * {@code index} of {@code count} ({@code --generator I/N}), whose measured phase begins at
 * {@code startAt} ({@code --start-at}) when given.
 *
 * <p><b>Shares.</b> The open loop's timetable is the one a single generator at the full
 * {@code --rate} would keep; this generator sends the slots whose index {@code i} satisfies
 * {@code i % count == index} ({@link #owns}), so the union of the fleet is exactly that
 * timetable. A total that the fleet divides (the closed loop's {@code --concurrency} and
 * {@code --requests}, the open loop's {@code --connections}) is split by {@link #share}: the
 * first {@code total % count} generators take one more, so the shares add up to the total.
 *
 * <p><b>Start.</b> With {@code startAt}, the measured phase starts at that instant on every
 * generator and any warm-up runs just before it, from {@code startAt - warmup}: the timetable's
 * slot 0. A generator that is ready after its slot 0 sends the slots already due at once, late,
 * and their lag is dispatch lag like any other; the run records by how much it started late.
 *
 * @param startAt when the measured phase begins (ISO-8601 instant); empty: when the process is ready
 */
public record Generator(int index, int count, Optional<Instant> startAt) {
    /** A process alone: every slot is its own, and it starts when it is ready. */
    public static final Generator ALONE = new Generator(0, 1, Optional.empty());

    public Generator {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("generator index must be in 0.." + (count - 1) + ", got " + index);
        }
    }

    /** Whether slot {@code slotIndex} of the shared timetable is this generator's to send. */
    public boolean owns(long slotIndex) {
        return slotIndex % count == index;
    }

    /** This generator's part of {@code total}: the shares of the fleet add up to exactly {@code total}. */
    public long share(long total) {
        return total / count + (index < total % count ? 1 : 0);
    }

    /** This generator's part of an integer total, such as connections. */
    public int share(int total) {
        return (int) share((long) total);
    }

    /** The closed loop's stop condition for this generator: its share of {@code --requests}, the same duration. */
    public StopCondition share(StopCondition stop) {
        OptionalLong requests = stop.requests();
        return count == 1 || requests.isEmpty() ? stop
                : new StopCondition(OptionalLong.of(share(requests.getAsLong())), stop.duration());
    }

    /** {@code I/N}, as {@code --generator} takes it. */
    public String label() {
        return index + "/" + count;
    }
}
