package dev.observers.action;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.Set;

/**
 * How an SMTP failure is retried: a 5xx reply is the server's final word (550 mailbox unavailable,
 * 535 bad credentials), so it is permanent; a 4xx reply (greylisting, a full queue) and a connection
 * that failed or timed out are transient.
 */
final class SmtpFailures {

    private SmtpFailures() {
    }

    /**
     * @param lastReply the server's last reply code in the conversation ({@code -1} when none), which is
     *                  the only code a refused greeting or login leaves behind
     */
    static ActionFailure classify(MessagingException e, int lastReply, String target) {
        int reply = worstReply(e, lastReply);
        String detail = describe(e);
        if (reply >= 500 && reply < 600) {
            return new ActionFailure(ActionFailure.Kind.PERMANENT, "smtp_5xx",
                    "SMTP server " + target + " refused the message (" + reply + "): " + detail, e);
        }
        if (reply >= 400 && reply < 500) {
            return new ActionFailure(ActionFailure.Kind.TRANSIENT, "smtp_4xx",
                    "SMTP server " + target + " deferred the message (" + reply + "): " + detail, e);
        }
        boolean timedOut = causes(e, SocketTimeoutException.class);
        return new ActionFailure(ActionFailure.Kind.TRANSIENT, timedOut ? "timeout" : "connect",
                "SMTP server " + target + (timedOut ? " timed out: " : " unreachable: ") + detail, e);
    }

    /** The most final reply among those the exception chain carries: any 5xx wins over 4xx. */
    private static int worstReply(MessagingException e, int lastReply) {
        int worst = isFailure(lastReply) ? lastReply : -1;
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = next(t)) {
            int code = switch (t) {
                case SMTPAddressFailedException a -> a.getReturnCode();
                case SMTPSenderFailedException s -> s.getReturnCode();
                case SMTPSendFailedException s -> s.getReturnCode();
                default -> -1;
            };
            if (isFailure(code) && (worst < 0 || code / 100 > worst / 100)) {
                worst = code;
            }
        }
        return worst;
    }

    private static boolean isFailure(int code) {
        return code >= 400 && code < 600;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null) {
            return m.getNextException();
        }
        return t.getCause();
    }

    private static boolean causes(Throwable e, Class<? extends Throwable> type) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = next(t)) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The server's words, one line: the innermost message that says something. */
    private static String describe(MessagingException e) {
        String message = e.getMessage();
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = next(e); t != null && seen.add(t); t = next(t)) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.strip().replaceAll("\\s+", " ");
    }
}
