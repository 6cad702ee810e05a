package dev.observers.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL file (a migration, the demo's schema): its statements, and whether it must run outside a
 * transaction (statements such as {@code CREATE INDEX CONCURRENTLY} refuse to run inside one).
 */
public record SqlScript(String name, String text, boolean transactional) {

    static final String NO_TRANSACTION_MARKER = "-- observers:no-transaction";

    public static SqlScript of(String name, String text) {
        return new SqlScript(name, text, !text.lines().anyMatch(l -> l.strip().equals(NO_TRANSACTION_MARKER)));
    }

    /** Splits on semicolons that end a statement: outside quotes, dollar quotes and comments. */
    public List<String> statements() {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String dollarTag = null;
        boolean inQuote = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (dollarTag != null) {
                if (text.startsWith(dollarTag, i)) {
                    current.append(dollarTag);
                    i += dollarTag.length();
                    dollarTag = null;
                    continue;
                }
            } else if (inQuote) {
                if (c == '\'') {
                    inQuote = false;
                }
            } else if (c == '\'') {
                inQuote = true;
            } else if (c == '-' && text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
                continue;
            } else if (c == '$') {
                int end = text.indexOf('$', i + 1);
                if (end > 0 && text.substring(i + 1, end).matches("[A-Za-z_0-9]*")) {
                    dollarTag = text.substring(i, end + 1);
                    current.append(dollarTag);
                    i = end + 1;
                    continue;
                }
            } else if (c == ';') {
                add(out, current);
                current.setLength(0);
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}
