package io.ampfill.secret;

/** How a secret may appear in output: never whole, at most its last two characters to tell keys apart. */
public final class SecretMask {
    private SecretMask() {
    }

    public static String mask(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "(none)";
        }
        return secret.length() < 12 ? "****" : "****" + secret.substring(secret.length() - 2);
    }
}
