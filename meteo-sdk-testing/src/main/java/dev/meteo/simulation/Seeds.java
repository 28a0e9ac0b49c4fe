package dev.meteo.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/** Seeds as people write them: {@code 42}, {@code 1000..1999} (both ends included), or a list {@code 7,42,1000..1010}. */
public final class Seeds {

    private Seeds() {
    }

    /**
     * The seeds {@code text} names, in its order; checked at once, produced as they are consumed (a range may be long).
     *
     * @throws IllegalArgumentException when {@code text} is none of the forms above
     */
    public static LongStream parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no seed given: write 42, 1000..1999 or 7,42,1000..1010");
        }
        List<long[]> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            ranges.add(range(part.trim()));
        }
        return ranges.stream().flatMapToLong(range -> LongStream.rangeClosed(range[0], range[1]));
    }

    private static long[] range(String part) {
        try {
            int dots = part.indexOf("..");
            if (dots < 0) {
                long seed = Long.parseLong(part);
                return new long[] {seed, seed};
            }
            long first = Long.parseLong(part.substring(0, dots).trim());
            long last = Long.parseLong(part.substring(dots + 2).trim());
            if (last < first) {
                throw new IllegalArgumentException("seed range " + part + " ends before it starts");
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + part + "' is not a seed or a range of seeds (42, 1000..1999)", e);
        }
    }
}
