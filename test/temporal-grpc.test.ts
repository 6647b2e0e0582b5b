import { InterceptingCall, status, type Interceptor } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { temporalInterceptors } from '../src/temporal-grpc';

/** Records the status of every attempt the retry interceptor makes. */
function attemptRecorder(statuses: number[]): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, _listener, next) =>
        next(metadata, {
          onReceiveStatus: (s, nextStatus) => {
            statuses.push(s.code);
            nextStatus(s);
          },
        }),
    });
}

describe('the Temporal client connection', () => {
  it('ends a call whose retry comes after the connection closed as CANCELLED, not a throw from the retry timer', async () => {
    const attempts: number[] = [];
    const connection = Connection.lazy({
      address: '127.0.0.1:1',
      interceptors: [...temporalInterceptors(), attemptRecorder(attempts)],
    });
    const call = connection.workflowService.getSystemInfo({});
    const settled = call.then(
      () => null,
      (err: { code?: number }) => err.code,
    );
    for (const deadline = Date.now() + 5000; attempts.length === 0 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(attempts[0]).toBe(status.UNAVAILABLE);
    await connection.close();
    expect(await settled).toBe(status.CANCELLED);
    expect(attempts).toEqual([status.UNAVAILABLE]);
  });

  it('still rejects at once a call made on a connection already closed', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1', interceptors: temporalInterceptors() });
    await connection.close();
    await expect(connection.workflowService.getSystemInfo({})).rejects.toThrow('Channel has been shut down');
  });
});
