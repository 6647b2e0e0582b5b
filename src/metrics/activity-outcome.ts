import { ApplicationFailure, CancelledFailure } from '@temporalio/common';

/** What an activity attempt's error says about it: its type (ApplicationFailure.type) and whether Temporal retries it. */
export interface AttemptFailure {
  errorType: string;
  willRetry: boolean;
}

interface AttemptInfo {
  attempt: number;
  retryPolicy?: { maximumAttempts?: number; nonRetryableErrorTypes?: string[] };
}

/** The failure's type as metrics label it: ApplicationFailure.type, `Cancelled`, or the error's name. */
export function errorTypeOf(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.type ?? 'ApplicationFailure';
  if (err instanceof CancelledFailure) return 'Cancelled';
  return err instanceof Error ? err.name : 'Error';
}

/** Whether Temporal schedules another attempt after this one failed with `err` (by the activity's retry policy). */
export function attemptFailure(info: AttemptInfo, err: unknown): AttemptFailure {
  const errorType = errorTypeOf(err);
  const policy = info.retryPolicy;
  const permanent =
    err instanceof CancelledFailure ||
    (err instanceof ApplicationFailure && err.nonRetryable) ||
    (policy?.nonRetryableErrorTypes ?? []).includes(errorType);
  const lastAttempt =
    policy?.maximumAttempts !== undefined && policy.maximumAttempts > 0 && info.attempt >= policy.maximumAttempts;
  return { errorType, willRetry: !permanent && !lastAttempt };
}
