package dev.loadlab.api.http;

/**
 * Who answers: the concurrency model ({@code threads}, {@code virtual-threads}, {@code async}) and
 * the instance name, echoed in every answer so that a run through a balancer can see the spread.
 */
public record ServerIdentity(String model, String instance) {
}
