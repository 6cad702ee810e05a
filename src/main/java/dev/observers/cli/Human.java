package dev.observers.cli;

import java.time.Duration;
import java.util.Locale;

/** How the commands print counts and durations to people: grouped digits, the two largest time units. */
final class Human {

    private Human() {
    }

    /** {@code 1234567} as {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 0 s}, {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 10 min}, {@code 4 d 3 h}. */
    /** {@code 12.3 MB}: decimal units, one decimal below 100. */
    static String bytes(long n) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = n;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? n + " B" : (v < 100 ? String.format(Locale.ROOT, "%.1f %s", v, units[u])
                : String.format(Locale.ROOT, "%.0f %s", v, units[u]));
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return two(s / 60, "min", s % 60, "s");
        }
        if (s < 86_400) {
            return two(s / 3600, "h", s % 3600 / 60, "min");
        }
        return two(s / 86_400, "d", s % 86_400 / 3600, "h");
    }

    private static String two(long major, String majorUnit, long minor, String minorUnit) {
        return minor == 0 ? major + " " + majorUnit : major + " " + majorUnit + " " + minor + " " + minorUnit;
    }
}
