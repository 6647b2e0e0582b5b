import { durationMs, enums, toDuration } from './proto';
import type { Failure, RetryPolicy } from './state';

const RS = enums.RetryState;

/** The retry policy with the server's defaults filled in (1 s initial, x2, maximum 100 x initial, no attempt limit). */
export function withDefaults(p: RetryPolicy | null | undefined): RetryPolicy {
  const initial = durationMs(p?.initialInterval) || 1000;
  return {
    initialInterval: toDuration(initial),
    backoffCoefficient: p?.backoffCoefficient && p.backoffCoefficient >= 1 ? p.backoffCoefficient : 2,
    maximumInterval: toDuration(durationMs(p?.maximumInterval) || initial * 100),
    maximumAttempts: p?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: p?.nonRetryableErrorTypes ?? [],
  };
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; state: number };

/**
 * Whether attempt `attempt` that failed with `failure` is retried, and after what delay. `deadline` is the
 * schedule-to-close (or workflow execution) deadline, or undefined when there is none.
 */
export function decideRetry(
  policy: RetryPolicy | null | undefined, attempt: number, failure: Failure | null | undefined, now: number, deadline?: number,
): RetryDecision {
  if (!policy) return { retry: false, state: RS.RETRY_STATE_RETRY_POLICY_NOT_SET };
  const info = failure?.applicationFailureInfo;
  if (info?.nonRetryable) return { retry: false, state: RS.RETRY_STATE_NON_RETRYABLE_FAILURE };
  const type = info?.type ?? (failure?.timeoutFailureInfo ? timeoutTypeName(failure.timeoutFailureInfo.timeoutType ?? 0) : undefined);
  if (type && (policy.nonRetryableErrorTypes ?? []).includes(type)) return { retry: false, state: RS.RETRY_STATE_NON_RETRYABLE_FAILURE };
  if (failure?.terminatedFailureInfo || failure?.canceledFailureInfo) return { retry: false, state: RS.RETRY_STATE_NON_RETRYABLE_FAILURE };
  const max = policy.maximumAttempts ?? 0;
  if (max > 0 && attempt >= max) return { retry: false, state: RS.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED };
  const explicit = durationMs(info?.nextRetryDelay);
  const initial = durationMs(policy.initialInterval) || 1000;
  const computed = Math.min(initial * Math.pow(policy.backoffCoefficient ?? 2, attempt - 1), durationMs(policy.maximumInterval) || initial * 100);
  const delayMs = explicit > 0 ? explicit : computed;
  if (deadline !== undefined && now + delayMs >= deadline) return { retry: false, state: RS.RETRY_STATE_TIMEOUT };
  return { retry: true, delayMs };
}

function timeoutTypeName(t: number): string {
  return (enums.TimeoutType[t] ?? '').replace('TIMEOUT_TYPE_', '').split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join('');
}
