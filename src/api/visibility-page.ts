import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { ApiError } from './errors';
import { grpcCode } from '../temporal-errors';

const queryTag = (query: string) => createHash('sha256').update(query).digest('base64url').slice(0, 16);

function encodeCursor(query: string, token: Uint8Array): string {
  return Buffer.from(JSON.stringify({ q: queryTag(query), t: Buffer.from(token).toString('base64') })).toString(
    'base64url',
  );
}

function invalidCursor(reason: string): ApiError {
  return new ApiError(400, 'invalid_query', 'invalid query parameters', { issues: [{ field: 'cursor', reason }] });
}

function decodeCursor(query: string, cursor: string | undefined): Buffer | undefined {
  if (!cursor) return undefined;
  let decoded: { q?: unknown; t?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof decoded;
  } catch {
    throw invalidCursor('must be a cursor returned by a previous page');
  }
  if (typeof decoded.t !== 'string' || typeof decoded.q !== 'string')
    throw invalidCursor('must be a cursor returned by a previous page');
  if (decoded.q !== queryTag(query)) throw invalidCursor('belongs to a listing with other filters');
  return Buffer.from(decoded.t, 'base64');
}

/**
 * One page of a visibility listing, in Temporal's default order (running first, newest first). The cursor is the
 * page token bound to the query it came from: one from a listing with other filters is a 400.
 */
export async function visibilityPage(
  client: Client,
  query: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ executions: WorkflowExecutionInfo[]; nextCursor: string | null }> {
  const nextPageToken = decodeCursor(query, cursor);
  const response = await client.workflowService
    .listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize: limit, nextPageToken })
    .catch((err: unknown) => {
      if (nextPageToken && grpcCode(err) === status.INVALID_ARGUMENT)
        throw invalidCursor('is no longer valid; start from the first page');
      throw err;
    });
  const executions = await Promise.all(
    response.executions.map((raw) =>
      executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, client.options.namespace),
    ),
  );
  const token = response.nextPageToken;
  return {
    executions: executions.slice(0, limit),
    nextCursor: token && token.length > 0 ? encodeCursor(query, token) : null,
  };
}
