/**
 * The capacity search ({@code client search}): open-loop steps at rising, then bisected rates,
 * each judged by goodput within a deadline and by the client's own verdict on its schedule,
 * until the highest rate that passes is known to a precision or a step limit is reached.
 */
package dev.loadlab.client.search;
