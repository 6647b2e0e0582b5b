import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { CallbackFailureType } from '../callbacks/contract';
import { NON_RETRYABLE_FAILURE_TYPES } from '../errors';

/**
 * Backoff for one order's retries. It stays short (15 s at most) because the circuit breakers, not each order's
 * backoff, protect a failing panel: an order that was unlucky with transient errors retries soon after the panel
 * answers again. A 429's Retry-After overrides it.
 */
const retry = (overrides: Partial<RetryPolicy>): RetryPolicy => ({
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '15 seconds',
  maximumAttempts: 8,
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
  ...overrides,
});

/** How long one order's installation may take in total, across install retries. */
export const INSTALL_DEADLINE_MS = 30 * 60_000;

/**
 * Read-mostly panel calls (allocate, verify): a few 10 s requests each, quick to retry. Start-to-close stays short
 * so an attempt a worker lost (killed, or a poll dropped as it stopped) is retried within seconds.
 */
export const panelCallOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: retry({}),
};

/**
 * allocate: a panel call that reserves capacity in the worker, so a cancellation waits for the attempt in flight; the
 * rollback's releaseAllocation then always runs after the reservation it releases.
 */
export const allocateOptions: ActivityOptions = {
  ...panelCallOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * Calls that change the panel (create, configure): waits for the attempt in flight to finish before the workflow
 * moves on, so a cancellation never races a POST that may still create a server.
 */
export const panelChangeOptions: ActivityOptions = {
  startToCloseTimeout: '45 seconds',
  scheduleToCloseTimeout: '15 minutes',
  retry: retry({ maximumAttempts: 10 }),
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/** Waiting for the daemon's install: long-running, heartbeats every poll, resumes from heartbeat details. */
export const installOptions: ActivityOptions = {
  startToCloseTimeout: '40 minutes',
  scheduleToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: retry({ initialInterval: '2 seconds', maximumAttempts: 6 }),
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/** Capacity checks on the order task queue: answered from the worker's catalogue, at most one node read. */
export const capacityCheckOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '5 minutes',
  retry: retry({}),
};

/** The worker's flow policy (a local activity at the order's start). */
export const policyOptions = { startToCloseTimeout: '10 seconds' } as const;

/** Rollback actions: run in a non-cancellable scope, retried longer than forward steps before being reported. */
export const compensationOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry: retry({ maximumInterval: '2 minutes', maximumAttempts: 12 }),
};

/** The operators' webhook for a parked order (notifyOperators, order task queue): 5 s doubling to 10 min, for 24 hours. */
export const operatorWebhookOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['OperatorWebhookRejected'],
  },
};

/**
 * The reconciliation sweep (reconcilePanel, order task queue): one heartbeating activity of up to an hour (each panel
 * page within the provider budget), tried 3 times 1 minute apart; the next scheduled sweep starts afresh.
 */
export const reconcileOptions: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 minute', maximumAttempts: 3 },
};

/**
 * Order callbacks (deliverCallback, order task queue): each request times out after 10 s; retried without an
 * attempt limit, 5 s doubling to 1 h between attempts, for up to 24 hours. Every 4xx but 410 is retried too; only a
 * 410 Gone or a redirect ends it. The activity classifies the answers (it throws CallbackRejected non-retryable), so
 * these options, part of the workflows' commands, stay unchanged for running workflows.
 */
export const callbackOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    nonRetryableErrorTypes: [CallbackFailureType.Rejected],
  },
};
