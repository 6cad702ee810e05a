package dev.observers.lookup;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The {@code $n} parameters a SQL text uses, found outside string literals, quoted identifiers,
 * comments and dollar-quoted bodies, so a definition whose params do not match its query is refused at
 * load instead of failing on every event.
 */
final class SqlPlaceholders {

    private SqlPlaceholders() {
    }

    /** The parameter numbers used in {@code sql}, ascending. */
    static SortedSet<Integer> of(String sql) {
        SortedSet<Integer> used = new TreeSet<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, c);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i);
            } else if (c == '$' && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
                int digits = i + 1;
                while (digits < n && Character.isDigit(sql.charAt(digits))) {
                    digits++;
                }
                if (digits > i + 1) {
                    used.add(parameterNumber(sql.substring(i + 1, digits)));
                    i = digits;
                } else {
                    i = skipDollarQuoted(sql, i);
                }
            } else if (isIdentifierPart(c)) {
                while (i < n && isIdentifierPart(sql.charAt(i))) {
                    i++;
                }
            } else {
                i++;
            }
        }
        return used;
    }

    private static int parameterNumber(String digits) {
        return digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    /** Past a '…' literal or "…" identifier; a doubled quote stays inside. */
    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    /** Past a block comment; PostgreSQL's nest. */
    private static int skipBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** Past a {@code $tag$ … $tag$} body when one starts at {@code start}, else past the lone '$'. */
    private static int skipDollarQuoted(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && sql.charAt(i) != '$') {
            char c = sql.charAt(i);
            boolean valid = i == start + 1 ? Character.isLetter(c) || c == '_' : isIdentifierPart(c) && c != '$';
            if (!valid) {
                return start + 1;
            }
            i++;
        }
        if (i >= sql.length()) {
            return start + 1;
        }
        String tag = sql.substring(start, i + 1);
        int end = sql.indexOf(tag, i + 1);
        return end < 0 ? sql.length() : end + tag.length();
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
