package dev.observers.cli;

/** Process exit codes shared by every command. */
final class ExitCodes {
    static final int OK = 0;
    /** Something failed at run time (a server unreachable, a migration refused). */
    static final int FAILURE = 1;
    /** The configuration is invalid; nothing was started. */
    static final int CONFIG = 2;

    private ExitCodes() {
    }
}
