package dev.observers.action;

/**
 * Redis glob handling for cache keys. Values from an event are escaped before they are put into a
 * key pattern, so a {@code *} in a title matches a literal star instead of every key; the pattern's
 * own globs, written by the operator, stay globs.
 */
final class RedisGlob {

    private RedisGlob() {
    }

    /** {@code value} with every glob metacharacter ({@code * ? [ ] \}) backslash-escaped. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Whether {@code pattern} has a {@code *}, {@code ?} or {@code [} that no backslash escapes. */
    static boolean isGlob(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /** The one key a pattern without globs matches: its escapes removed. */
    static String literal(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length());
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                c = pattern.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
