package dev.observers.action;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * FraiseQL's webhook signature ({@code X-FraiseQL-Signature-256: t=<unix seconds>,v1=<hex>}, Stripe's
 * shape): HMAC-SHA256 keyed with the secret over the bytes {@code "<t>.<body>"}, where body is exactly
 * what is sent, so receivers verify with the same code they use for FraiseQL.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-FraiseQL-Signature-256";

    private WebhookSignature() {
    }

    /** The header value for {@code body} sent at {@code unixSeconds}. */
    static String sign(byte[] secret, long unixSeconds, byte[] body) {
        byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.US_ASCII);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(prefix);
            mac.update(body);
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    /** Whether {@code header} is a valid signature of {@code body} under {@code secret}: what a receiver checks. */
    public static boolean verify(byte[] secret, String header, byte[] body) {
        if (header == null || !header.startsWith("t=") || !header.contains(",v1=")) {
            return false;
        }
        long t;
        try {
            t = Long.parseLong(header.substring(2, header.indexOf(',')));
        } catch (NumberFormatException e) {
            return false;
        }
        return java.security.MessageDigest.isEqual(sign(secret, t, body).getBytes(StandardCharsets.US_ASCII),
                header.getBytes(StandardCharsets.US_ASCII));
    }
}
