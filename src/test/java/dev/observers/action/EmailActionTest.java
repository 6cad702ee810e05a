package dev.observers.action;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.observers.config.TestConfigs;
import dev.observers.testing.DaemonProcess;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Email actions against a real SMTP server (GreenMail on a free port), and the failures SMTP servers give. */
class EmailActionTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("observers", "right-password"));

    @Test
    void sendsTheRenderedRecipientSubjectAndBodyWithReplyTo() throws Exception {
        Action action = actions(smtp(MAIL.getSmtp().getPort())).create(new ActionConfig.Email(Optional.empty(),
                Optional.of("{{ data.author.email }}"), Optional.empty(), Optional.of("New post: {{ data.title }}"),
                "{{ data.author.name }} wrote {{ data.words }} words ({{ data.status }}), tagged {{ data.tags.0 }}.",
                Optional.of("editors@example.com"), OptionalLong.empty()));

        action.execute(TestEvents.postInserted(), invocation());

        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage message = received[0];
        assertThat(addresses(message.getRecipients(RecipientType.TO))).containsExactly("ada@example.com");
        assertThat(message.getSubject()).isEqualTo("New post: Hello, world");
        assertThat(message.getContent().toString().strip()).isEqualTo("Ada wrote 1200 words (draft), tagged intro.");
        assertThat(addresses(message.getReplyTo())).containsExactly("editors@example.com");
        assertThat(addresses(message.getFrom())).containsExactly("observers@example.com");
        assertThat(message.getHeader(EmailAction.IDEMPOTENCY_HEADER, null)).isEqualTo("email-key-1");
    }

    @Test
    void sendsToEveryAddressOfAFixedListUnderTheDefaultSubject() throws Exception {
        Action action = actions(smtp(MAIL.getSmtp().getPort())).create(new ActionConfig.Email(
                Optional.of("ops@example.com, Audit <audit@example.com>"), Optional.empty(), Optional.empty(),
                Optional.empty(), "{{ entity_type }} {{ entity_id }} changed", Optional.empty(), OptionalLong.empty()));

        action.execute(TestEvents.postPublished(), invocation());

        MimeMessage message = MAIL.getReceivedMessages()[0];
        assertThat(addresses(message.getRecipients(RecipientType.TO)))
                .containsExactly("ops@example.com", "audit@example.com");
        assertThat(message.getSubject()).isEqualTo("Post UPDATE");
        assertThat(message.getContent().toString().strip()).isEqualTo("Post " + TestEvents.POST_ID + " changed");
        assertThat(MAIL.getReceivedMessages()).hasSize(2);
    }

    @Test
    void authenticatesWithTheConfiguredUser() throws Exception {
        Map<String, String> config = smtp(MAIL.getSmtp().getPort());
        config.put("observers.smtp.username", "observers");
        config.put("observers.smtp.password", "right-password");

        actions(config).create(email("ops@example.com")).execute(TestEvents.postInserted(), invocation());

        assertThat(MAIL.getReceivedMessages()).hasSize(1);
    }

    @Test
    void rejectedCredentialsArePermanentAndTheErrorDoesNotShowThePassword() {
        Map<String, String> config = smtp(MAIL.getSmtp().getPort());
        config.put("observers.smtp.username", "observers");
        config.put("observers.smtp.password", "wrong-pa55word");
        Action action = actions(config).create(email("ops@example.com"));

        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(TestEvents.postInserted(), invocation()));

        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.PERMANENT);
        assertThat(failure.errorType()).isEqualTo("smtp_5xx");
        assertThat(failure.getMessage()).contains("535").doesNotContain("wrong-pa55word");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aMailboxTheServerRejectsWith550IsPermanent() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("550 5.1.1 <nobody@example.com>: mailbox unavailable")) {
            Action action = actions(smtp(server.port())).create(email("nobody@example.com"));

            ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                    () -> action.execute(TestEvents.postInserted(), invocation()));

            assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.PERMANENT);
            assertThat(failure.errorType()).isEqualTo("smtp_5xx");
            assertThat(failure.getMessage()).contains("550").contains("mailbox unavailable")
                    .contains("127.0.0.1:" + server.port());
        }
    }

    @Test
    void aRecipientTheServerDefersWith451IsTransient() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("451 4.7.1 greylisted, try again later")) {
            Action action = actions(smtp(server.port())).create(email("later@example.com"));

            ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                    () -> action.execute(TestEvents.postInserted(), invocation()));

            assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
            assertThat(failure.errorType()).isEqualTo("smtp_4xx");
            assertThat(failure.getMessage()).contains("451");
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsTransient() throws Exception {
        int closed = DaemonProcess.freePort();
        Action action = actions(smtp(closed)).create(email("ops@example.com"));

        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(TestEvents.postInserted(), invocation()));

        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
        assertThat(failure.errorType()).isEqualTo("connect");
        assertThat(failure.getMessage()).contains("127.0.0.1:" + closed);
    }

    @Test
    void aRenderedRecipientThatIsNoAddressIsPermanentAndNothingIsSent() {
        Action action = actions(smtp(MAIL.getSmtp().getPort())).create(new ActionConfig.Email(Optional.empty(),
                Optional.of("{{ data.title }}"), Optional.of("hi"), Optional.empty(), "body", Optional.empty(),
                OptionalLong.empty()));

        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(TestEvents.postInserted(), invocation()));

        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.PERMANENT);
        assertThat(failure.errorType()).isEqualTo("invalid_address");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void lineBreaksInARenderedSubjectStayInsideTheSubjectHeader() throws Exception {
        var data = TestEvents.post("Hi\r\nBcc: intruder@example.com", "draft");
        Action action = actions(smtp(MAIL.getSmtp().getPort())).create(new ActionConfig.Email(
                Optional.of("ops@example.com"), Optional.empty(), Optional.empty(), Optional.of("{{ data.title }}"),
                "body", Optional.empty(), OptionalLong.empty()));

        action.execute(TestEvents.withData(data), invocation());

        MimeMessage message = MAIL.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("Hi Bcc: intruder@example.com");
        assertThat(message.getHeader("Bcc")).isNull();
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
    }

    @Test
    void theTargetIsTheSmtpServer() {
        Action action = actions(smtp(2525)).create(email("ops@example.com"));
        assertThat(action.type()).isEqualTo("email");
        assertThat(action.target()).isEqualTo("127.0.0.1:2525");
    }

    @Test
    void withoutAnSmtpHostEmailActionsAreRefusedNamingTheVariable() {
        SmtpEmailActions actions = new SmtpEmailActions(TestConfigs.of(Map.of()));
        assertThatThrownBy(() -> actions.create(email("ops@example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OBSERVERS_SMTP_HOST");
    }

    @Test
    void anActionWithBothToAndToTemplateOrABadReplyToIsRefused() {
        SmtpEmailActions actions = actions(smtp(2525));
        assertThatThrownBy(() -> actions.create(new ActionConfig.Email(Optional.of("a@example.com"),
                Optional.of("{{ data.author.email }}"), Optional.empty(), Optional.empty(), "body", Optional.empty(),
                OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("to_template");
        assertThatThrownBy(() -> actions.create(new ActionConfig.Email(Optional.of("a@example.com"), Optional.empty(),
                Optional.empty(), Optional.empty(), "body", Optional.of("not an address"), OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reply_to");
    }

    private static SmtpEmailActions actions(Map<String, String> config) {
        return new SmtpEmailActions(TestConfigs.of(config));
    }

    private static Map<String, String> smtp(int port) {
        Map<String, String> config = new HashMap<>();
        config.put("observers.smtp.host", "127.0.0.1");
        config.put("observers.smtp.port", String.valueOf(port));
        config.put("observers.smtp.from", "observers@example.com");
        config.put("observers.smtp.tls", "none");
        config.put("observers.smtp.timeout-ms", "5000");
        return config;
    }

    private static ActionConfig.Email email(String to) {
        return new ActionConfig.Email(Optional.of(to), Optional.empty(), Optional.of("Hello"), Optional.empty(),
                "{{ entity_type }} {{ event_type }}", Optional.empty(), OptionalLong.empty());
    }

    private static Invocation invocation() {
        return new Invocation("notify-author", 1, "email-key-1", Instant.now().plusSeconds(10));
    }

    private static String[] addresses(jakarta.mail.Address[] list) {
        return Arrays.stream(list).map(a -> ((InternetAddress) a).getAddress()).toArray(String[]::new);
    }
}
