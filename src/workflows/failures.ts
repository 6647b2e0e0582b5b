import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { CreatedNothing } from './activity-payloads';

export interface FailureSummary {
  type: string;
  message: string;
}

/** What failed inside an activity failure (its cause); any other error as it is. */
export const rootCause = (err: unknown): unknown => (err instanceof ActivityFailure && err.cause ? err.cause : err);

/** The type and message an order records for a failed activity (or a failure raised by the workflow itself). */
export function summarizeFailure(err: unknown): FailureSummary {
  const root = rootCause(err);
  if (root instanceof ApplicationFailure) return { type: root.type ?? 'ApplicationFailure', message: root.message };
  if (root instanceof TimeoutFailure) {
    const last = root.cause ? `; last failure: ${summarizeFailure(root.cause).message}` : '';
    return { type: `Timeout:${root.timeoutType}`, message: `activity timed out (${root.timeoutType})${last}` };
  }
  if (root instanceof Error) return { type: root.name, message: root.message };
  return { type: 'Unknown', message: String(root) };
}

export function hasFailureType(err: unknown, type: string): boolean {
  const root = rootCause(err);
  return root instanceof ApplicationFailure && root.type === type;
}

/** True when create's failure says no create request of the order can have made a server (see CreatedNothing). */
export function createdNothing(err: unknown): boolean {
  const root = rootCause(err);
  return (
    root instanceof ApplicationFailure &&
    (root.details ?? []).some((d) => (d as Partial<CreatedNothing> | null)?.createdNothing === true)
  );
}
