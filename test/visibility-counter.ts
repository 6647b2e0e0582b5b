import type { DataConverter } from '@temporalio/common';
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/** The WorkflowService methods Temporal rate-limits as visibility (frontend.namespaceRPS.visibility). */
export const VISIBILITY_METHODS = [
  'ListWorkflowExecutions',
  'CountWorkflowExecutions',
  'ScanWorkflowExecutions',
  'ListOpenWorkflowExecutions',
  'ListClosedWorkflowExecutions',
  'ListArchivedWorkflowExecutions',
];

/** Counts the visibility requests a client sends (retries included), by method and time. */
export class VisibilityCounter {
  readonly calls: Array<{ method: string; at: number }> = [];

  interceptor(): Interceptor {
    return (options, nextCall) => {
      const method = String(options.method_definition.path).split('/').pop() ?? '';
      if (VISIBILITY_METHODS.includes(method)) this.calls.push({ method, at: Date.now() });
      return new InterceptingCall(nextCall(options));
    };
  }

  /** Calls made at or after `since` (ms). */
  since(since: number): number {
    return this.calls.filter((call) => call.at >= since).length;
  }

  /** A client of `address` whose requests this counter sees. */
  async client(address: string, namespace = 'default', dataConverter?: DataConverter): Promise<Client> {
    const connection = await Connection.connect({
      address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), this.interceptor()],
    });
    return new Client({ connection, namespace, dataConverter });
  }
}
