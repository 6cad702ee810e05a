package dev.observers.action;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal SMTP server on a loopback port that answers every RCPT TO with one fixed reply: the
 * recipient rejections (550, 451) GreenMail never gives, spoken over a real SMTP conversation.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final String rcptReply;

    ScriptedSmtpServer(String rcptReply) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.rcptReply = rcptReply;
        Thread.ofVirtual().name("scripted-smtp").start(this::serve);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException e) {
                // the test closed the server, or the client hung up: wait for the next one or stop
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII);
        reply(out, "220 scripted ESMTP");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO", "HELO" -> reply(out, "250 scripted");
                case "MAIL", "RSET", "NOOP" -> reply(out, "250 OK");
                case "RCPT" -> reply(out, rcptReply);
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "502 5.5.1 not implemented here");
            }
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
