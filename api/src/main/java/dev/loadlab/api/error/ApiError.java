package dev.loadlab.api.error;

/** Every error a loadlab server or balancer answers: its HTTP status and its code on the wire. */
public enum ApiError {
    BAD_PARAMETER(400, "bad_parameter"),
    BAD_JSON(400, "bad_json"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    BODY_TOO_LARGE(413, "body_too_large"),
    QUEUE_FULL(503, "queue_full"),
    QUEUE_TIMEOUT(503, "queue_timeout"),
    DRAINING(503, "draining"),
    /**
     * Serving the request failed inside the server (a fault, not bad input): answered in JSON so
     * that the client counts it, and logged with its cause for the operator.
     */
    INTERNAL_ERROR(500, "internal_error"),
    /** The balancer does not switch its strategy while requests are in flight or queued. */
    BUSY(409, "busy"),
    /** The balancer has no healthy backend with room for the request. */
    NO_BACKEND(503, "no_backend"),
    /** The balancer reached a backend but could not get an answer from it. */
    BAD_GATEWAY(502, "bad_gateway"),
    /** The balancer's backend did not answer within the balancer's time limit. */
    GATEWAY_TIMEOUT(504, "gateway_timeout");

    private final int status;
    private final String code;

    ApiError(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
