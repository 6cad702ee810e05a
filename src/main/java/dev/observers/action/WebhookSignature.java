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
final class WebhookSignature {

    static final String HEADER = "X-FraiseQL-Signature-256";

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
}
