package dev.meteo.simulation;

import java.util.Arrays;
import java.util.stream.LongStream;

/** Seeds as people write them: {@code 42}, {@code 1000..1999} (both ends included), or a list {@code 7,42,1000..1010}. */
public final class Seeds {

    private Seeds() {
    }

    /** @throws IllegalArgumentException when {@code text} is none of the forms above */
    public static LongStream parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no seed given: write 42, 1000..1999 or 7,42,1000..1010");
        }
        return Arrays.stream(text.split(",")).map(String::trim).flatMapToLong(Seeds::parseOne);
    }

    private static LongStream parseOne(String part) {
        try {
            int range = part.indexOf("..");
            if (range < 0) {
                return LongStream.of(Long.parseLong(part));
            }
            long first = Long.parseLong(part.substring(0, range).trim());
            long last = Long.parseLong(part.substring(range + 2).trim());
            if (last < first) {
                throw new IllegalArgumentException("seed range " + part + " ends before it starts");
            }
            return LongStream.rangeClosed(first, last);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + part + "' is not a seed or a range of seeds (42, 1000..1999)", e);
        }
    }
}
