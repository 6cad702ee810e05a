package dev.observers.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr. On a terminal it redraws in place; otherwise (CI, a pipe) it
 * prints a line at every tenth of the way so logs stay readable.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private int lastTenth = -1;

    ProgressBar(String label, long total) {
        this.out = System.err;
        this.label = label;
        this.total = Math.max(1, total);
        this.terminal = System.console() != null;
    }

    void update(long done, String detail) {
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        int tenth = (int) Math.min(10, done * 10 / total);
        String line = String.format("%s [%s%s] %d/%d %s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total, detail);
        if (terminal) {
            out.print("\r" + line + "\033[K");
            out.flush();
        } else if (tenth != lastTenth) {
            lastTenth = tenth;
            out.println(line);
        }
    }

    void finish(long done, String detail) {
        lastTenth = -1;
        update(done, detail);
        if (terminal) {
            out.println();
        }
    }
}
