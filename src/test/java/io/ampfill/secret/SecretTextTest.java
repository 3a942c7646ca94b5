package io.ampfill.secret;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTextTest {

    @Test
    void masks_password_parameters_user_info_and_the_password_itself() {
        assertThat(SecretText.mask("jdbc:postgresql://h/db?user=a&password=abc123&ssl=true", null))
                .isEqualTo("jdbc:postgresql://h/db?user=a&password=****&ssl=true");
        assertThat(SecretText.mask("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=topsecret;X=1", null)).isEqualTo("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=****;X=1");
        assertThat(SecretText.mask("jdbc:mysql://bob:pa55word@db:3306/app", null)).isEqualTo("jdbc:mysql://bob:****@db:3306/app");
        assertThat(SecretText.mask("login failed, tried hunter2hunter2 twice", "hunter2hunter2")).isEqualTo("login failed, tried **** twice");
        assertThat(SecretText.mask("a pass word abc in abcd", "abc")).as("a short password only as a word").isEqualTo("a pass word **** in abcd");
    }

    @Test
    void a_masked_failure_keeps_its_state_code_and_masked_causes() {
        SQLException cause = new SQLException("inner password=deep-secret");
        SQLException original = new SQLException("outer with top-secret-pw", "08001", 17, cause);
        SQLException masked = SecretText.masked(original, "top-secret-pw");
        assertThat(masked.getSQLState()).isEqualTo("08001");
        assertThat(masked.getErrorCode()).isEqualTo(17);
        assertThat(masked.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(fullText(masked)).doesNotContain("top-secret-pw").doesNotContain("deep-secret")
                .contains("inner password=****");
    }

    private static String fullText(Throwable e) {
        java.io.StringWriter text = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(text));
        return text + " " + e;
    }
}
