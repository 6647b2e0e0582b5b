import { InterceptingCall, Metadata, status, type Interceptor } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionPlugin } from '@temporalio/client';

const idle: ConstructorParameters<typeof InterceptingCall>[0] = {
  cancelWithStatus: () => undefined,
  getPeer: () => '',
  start: () => undefined,
  sendMessageWithContext: () => undefined,
  sendMessage: () => undefined,
  startRead: () => undefined,
  halfClose: () => undefined,
  getAuthContext: () => null,
};

const attempted = new WeakSet<object>();

/**
 * Ends a retried call as CANCELLED when its connection is already closed. The SDK's retry interceptor waits on a
 * timer between attempts; an attempt made after `connection.close()` would otherwise throw "Channel has been shut
 * down" from that timer, outside any promise, and bring the process down. A first attempt on a closed connection
 * still throws at once (the SDK turns that into a rejected promise). Goes right after the retry interceptor, which
 * passes the same options to every attempt of one call.
 */
export const closedChannelGuard: Interceptor = (options, nextCall) => {
  const retry = attempted.has(options);
  attempted.add(options);
  let call: ReturnType<typeof nextCall>;
  try {
    call = nextCall(options);
  } catch (err) {
    if (!retry) throw err;
    const details = `the Temporal connection is closed (${err instanceof Error ? err.message : String(err)})`;
    return new InterceptingCall(idle, {
      start: (_metadata, listener) => {
        process.nextTick(() => listener.onReceiveStatus({ code: status.CANCELLED, details, metadata: new Metadata() }));
      },
      sendMessage: () => undefined,
      halfClose: () => undefined,
      cancel: () => undefined,
    });
  }
  return new InterceptingCall(call);
};

/** The SDK's default retry interceptor, then the closed-channel guard: every client connection of the service. */
export function temporalInterceptors(): Interceptor[] {
  return [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), closedChannelGuard];
}

/** The same for connections made by others (the SDK's test environments): appends the guard to their interceptors. */
export const closedChannelGuardPlugin: ConnectionPlugin = {
  name: 'server-queue/closed-channel-guard',
  configureConnection: (options) => ({
    ...options,
    interceptors: [
      ...(options.interceptors ?? [makeGrpcRetryInterceptor(defaultGrpcRetryOptions())]),
      closedChannelGuard,
    ],
  }),
};
