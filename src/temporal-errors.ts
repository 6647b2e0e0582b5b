import { status } from '@grpc/grpc-js';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';

const UNAVAILABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

/** The gRPC status code behind a Temporal client error, if there is one. */
export function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError && err.cause) return grpcCode(err.cause);
  return undefined;
}

/** Temporal could not be reached or did not answer in time. */
export function isTemporalUnavailable(err: unknown): boolean {
  const code = grpcCode(err);
  return code !== undefined && UNAVAILABLE.has(code);
}

/** Temporal could not be reached at all (as opposed to a call that ran out of time). */
export function isTemporalUnreachable(err: unknown): boolean {
  return grpcCode(err) === status.UNAVAILABLE;
}

export function isWorkflowNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || grpcCode(err) === status.NOT_FOUND;
}

/** The workflow's description, or undefined when Temporal has none (never started, or past its retention). */
export async function describeIfFound(handle: WorkflowHandle): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await handle.describe();
  } catch (err) {
    if (isWorkflowNotFound(err)) return undefined;
    throw err;
  }
}
