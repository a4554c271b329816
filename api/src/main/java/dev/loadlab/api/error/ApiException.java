package dev.loadlab.api.error;

/**
 * Bad input found where it enters; the HTTP layer answers it as the JSON error body. Carries no
 * stack trace: it is an answer, not a fault.
 */
public final class ApiException extends RuntimeException {
    private final ApiError error;

    public ApiException(ApiError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
