import type { DataConverter } from '@temporalio/common';
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { closedChannelGuard } from '../src/temporal-grpc';

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
  private readonly inFlight = new Map<object, string>();

  /** Outermost: sees a call from its start to its final status, retries included. */
  private tracker(): Interceptor {
    return (options, nextCall) => {
      const key = {};
      const method = String(options.method_definition.path).split('/').pop() ?? '';
      return new InterceptingCall(nextCall(options), {
        start: (metadata, _listener, next) => {
          this.inFlight.set(key, method);
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              this.inFlight.delete(key);
              nextStatus(status);
            },
          });
        },
      });
    };
  }

  /**
   * Waits until no call of this client is in flight (at most `timeoutMs`) and returns the methods still in flight.
   * Closing a connection while the SDK waits to retry a call crashes the process from the retry timer.
   */
  async idle(timeoutMs = 10_000): Promise<string[]> {
    for (const deadline = Date.now() + timeoutMs; this.inFlight.size > 0 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return [...this.inFlight.values()];
  }

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
      interceptors: [
        this.tracker(),
        makeGrpcRetryInterceptor(defaultGrpcRetryOptions()),
        closedChannelGuard,
        this.interceptor(),
      ],
    });
    return new Client({ connection, namespace, dataConverter });
  }
}
