package dev.loadlab.balancer.backend;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * One entry of {@code --backends}: {@code http://HOST:PORT} with an optional {@code =WEIGHT}
 * (1..1000, default 1), for example {@code http://127.0.0.1:8081=3}.
 */
public record BackendAddress(URI uri, int weight) {
    public static final int MAX_WEIGHT = 1000;

    /** Parses one entry; throws {@link IllegalArgumentException} with a message naming the entry. */
    public static BackendAddress parse(String entry) {
        String text = entry.strip();
        int weight = 1;
        int equals = text.lastIndexOf('=');
        if (equals > 0) {
            String weightText = text.substring(equals + 1);
            try {
                weight = Integer.parseInt(weightText);
            } catch (NumberFormatException e) {
                weight = -1;
            }
            if (weight < 1 || weight > MAX_WEIGHT) {
                throw new IllegalArgumentException("backend '" + entry + "': the weight must be a whole number from 1 to "
                        + MAX_WEIGHT + ", got '" + weightText + "'");
            }
            text = text.substring(0, equals);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("backend '" + entry + "' is not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("backend '" + entry
                    + "' must be http://HOST:PORT with an explicit port and no path, e.g. http://127.0.0.1:8081");
        }
        return new BackendAddress(URI.create("http://" + uri.getRawAuthority()), weight);
    }

    /** {@code host:port}, the name used until the backend tells its instance name. */
    public String hostAndPort() {
        return uri.getRawAuthority();
    }
}
