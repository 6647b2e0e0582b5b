import { ApplicationFailure } from '@temporalio/common';
import type { ProviderError, ProviderErrorKind } from './provider/errors';

/**
 * Every failure type an activity reports, as `ApplicationFailure.type`. Workflow-safe (no I/O, no provider code):
 * workflows and activity options read the catalogue from here, activities build failures with the helpers below.
 */
export const FailureType = {
  AllocationTaken: 'AllocationTaken',
  NoCapacity: 'NoCapacity',
  PanelValidation: 'PanelValidation',
  PanelBadRequest: 'PanelBadRequest',
  PanelAuth: 'PanelAuth',
  PanelNotFound: 'PanelNotFound',
  PanelContract: 'PanelContract',
  PanelConflict: 'PanelConflict',
  PanelRateLimited: 'PanelRateLimited',
  PanelUnavailable: 'PanelUnavailable',
  PanelTimeout: 'PanelTimeout',
  EggNotFound: 'EggNotFound',
  /** The order's environment breaks the egg's rules (details: issues of variable, rule, message); nothing was sent. */
  InvalidEnvironment: 'InvalidEnvironment',
  ServerGone: 'ServerGone',
  ServerStateUnexpected: 'ServerStateUnexpected',
  InstallFailed: 'InstallFailed',
  InstallDeadlineExceeded: 'InstallDeadlineExceeded',
  VerificationFailed: 'VerificationFailed',
  DeleteNotConfirmed: 'DeleteNotConfirmed',
  /**
   * A server holds the order's external_id but is not the order's (another integration's, or another order's): it is
   * never adopted, changed or deleted (details: serverId, problems). See docs/security.md.
   */
  ForeignServer: 'ForeignServer',
  /** A long wait (install) handed back because its worker is stopping; the next attempt resumes it elsewhere. */
  WorkerShuttingDown: 'WorkerShuttingDown',
  /** Refused without calling the panel: a circuit breaker is open (details: scope, nodeId, retryAfterMs). */
  CircuitOpen: 'ProviderCircuitOpen',
} as const;
export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

const RETRYABLE: ReadonlySet<FailureTypeName> = new Set<FailureTypeName>([
  FailureType.PanelConflict,
  FailureType.PanelRateLimited,
  FailureType.PanelUnavailable,
  FailureType.PanelTimeout,
  FailureType.DeleteNotConfirmed,
  FailureType.WorkerShuttingDown,
]);

/** Failure types that no retry can fix; listed in every activity retry policy. */
export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureTypeName[] = Object.values(FailureType).filter(
  (t) => !RETRYABLE.has(t),
);

export const isRetryableFailureType = (type: string): boolean => RETRYABLE.has(type as FailureTypeName);

/** A failure no retry can fix (bad input, missing resource, failed install). */
export function permanentFailure(type: FailureTypeName, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: details === undefined ? undefined : [details],
  });
}

/** A failure worth retrying; `retryAfterMs` overrides the retry policy's next backoff (429 Retry-After). */
export function transientFailure(
  type: FailureTypeName,
  message: string,
  retryAfterMs?: number,
  cause?: Error,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: false,
    nextRetryDelay: retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : undefined,
    cause,
  });
}

/** Details of a CircuitOpen failure: the workflow waits `retryAfterMs` in WAITING_FOR_PROVIDER, then tries again. */
export interface CircuitOpenDetails {
  scope: 'panel' | 'node';
  nodeId: number | null;
  retryAfterMs: number;
}

/** A step refused by an open breaker: not retried by Temporal (the workflow waits for the provider instead). */
export function circuitOpenFailure(err: { message: string } & CircuitOpenDetails): ApplicationFailure {
  const details: CircuitOpenDetails = { scope: err.scope, nodeId: err.nodeId, retryAfterMs: err.retryAfterMs };
  return permanentFailure(FailureType.CircuitOpen, err.message, details);
}

const KIND_TO_TYPE: Record<ProviderErrorKind, FailureTypeName> = {
  allocation_taken: FailureType.AllocationTaken,
  validation: FailureType.PanelValidation,
  bad_request: FailureType.PanelBadRequest,
  no_capacity: FailureType.NoCapacity,
  auth: FailureType.PanelAuth,
  not_found: FailureType.PanelNotFound,
  contract: FailureType.PanelContract,
  conflict: FailureType.PanelConflict,
  rate_limited: FailureType.PanelRateLimited,
  unavailable: FailureType.PanelUnavailable,
  timeout: FailureType.PanelTimeout,
};

/**
 * Maps a Pterodactyl client error to the activity failure Temporal sees: 400/401/403/404/422 and unreadable
 * responses are non-retryable with a type; 409, 429, 5xx, network errors and timeouts are retryable, and a
 * panel-given `Retry-After` becomes the next retry delay.
 */
export function failureFromProvider(err: ProviderError): ApplicationFailure {
  const type = KIND_TO_TYPE[err.kind];
  if (!err.retryable || !RETRYABLE.has(type)) {
    return permanentFailure(type, err.message, {
      status: err.status ?? null,
      code: err.code ?? null,
      fields: err.fields ?? [],
    });
  }
  return transientFailure(type, err.message, err.retryAfterMs);
}
