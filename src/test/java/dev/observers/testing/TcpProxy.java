package dev.observers.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder from a fixed loopback port to a server, that a test switches off — the listener and
 * every connection through it closed, so the client sees refused and reset connections as in an
 * outage — and on again on the same port. It starts off: {@link #on()} opens it.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private ServerSocket listener;

    /** A proxy to {@code targetHost:targetPort} on a free loopback port, not listening yet. */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = DaemonProcess.freePort();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}: the URL a client is given instead of the server's. */
    public String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Listens on the port again and forwards what connects; does nothing when already on. */
    public synchronized void on() throws IOException {
        if (listener != null) {
            return;
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        listener = s;
        Thread.ofVirtual().name("tcp-proxy-accept-" + port).start(() -> accept(s));
    }

    /** Closes the listener and every open connection, both sides; does nothing when already off. */
    public synchronized void off() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        for (Socket c : connections) {
            closeQuietly(c);
        }
        connections.clear();
    }

    @Override
    public void close() {
        off();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return;
            }
            Socket upstream;
            try {
                upstream = new Socket(targetHost, targetPort);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            synchronized (this) {
                if (listener != s) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                connections.add(client);
                connections.add(upstream);
            }
            Thread.ofVirtual().start(() -> pipe(client, upstream));
            Thread.ofVirtual().start(() -> pipe(upstream, client));
        }
    }

    /** Copies {@code from} to {@code to} until either ends, then closes both. */
    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed or was reset: the connection is over
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            connections.remove(from);
            connections.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing what is being torn down; nothing to report
        }
    }
}
