import * as grpc from '@grpc/grpc-js';
import { RpcError } from './errors';
import { serviceMethods } from './proto';

/**
 * A unary handler: the decoded request, a signal that fires when the caller goes away, and the caller's deadline
 * (epoch ms, Infinity when none) so long polls can answer before it.
 */
export type Handler = (request: never, signal: AbortSignal, deadline: number) => Promise<unknown> | unknown;
export type Handlers = Record<string, Handler | undefined>;

export interface RpcLogger { error(msg: string, err: unknown): void }

/**
 * Registers every method of `serviceName` on `server`. Methods without a handler answer UNIMPLEMENTED naming the RPC,
 * so an SDK feature this server lacks fails loudly instead of hanging.
 */
export function addService(server: grpc.Server, serviceName: string, handlers: Handlers, logger: RpcLogger): void {
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of serviceMethods(serviceName)) {
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: unknown) => v as Buffer,
      requestDeserialize: (buf: Buffer) => method.decode(buf),
      responseSerialize: (v: unknown) => method.encode(v),
      responseDeserialize: (buf: Buffer) => buf,
    };
    const handler = handlers[method.name];
    implementation[method.name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (!handler) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${serviceName}/${method.name} is not implemented by the embedded server` });
        return;
      }
      if (requestEncoding(call) !== 'identity') {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `grpc-encoding "${requestEncoding(call)}" is not supported: the embedded server takes uncompressed requests (the SDK then reconnects without compression)` });
        return;
      }
      let signal = NEVER_ABORTED;
      if (handler.length >= 2) {
        const abort = new AbortController();
        call.on('cancelled', () => abort.abort(CALL_ENDED));
        signal = abort.signal;
      }
      Promise.resolve()
        .then(() => handler(call.request as never, signal, deadlineOf(call)))
        .then((res) => callback(null, res ?? {}))
        .catch((err: unknown) => callback(toServiceError(err, `${serviceName}/${method.name}`, logger)));
    };
  }
  server.addService(definition as grpc.ServiceDefinition, implementation);
}

const NEVER_ABORTED = new AbortController().signal;

function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown>): number {
  const d = call.getDeadline();
  return d instanceof Date ? d.getTime() : d;
}
const CALL_ENDED = new Error('call ended');

/**
 * The request's grpc-encoding. Decompressing every small request costs more CPU than the rest of the server, so
 * compressed requests are refused with UNIMPLEMENTED, which sdk-core answers by reconnecting uncompressed.
 */
function requestEncoding(call: grpc.ServerUnaryCall<unknown, unknown>): string {
  const inner = (call as unknown as { call?: { incomingEncoding?: string } }).call;
  return inner?.incomingEncoding ?? 'identity';
}

function toServiceError(err: unknown, rpc: string, logger: RpcLogger): Partial<grpc.StatusObject> {
  if (err instanceof RpcError) {
    const metadata = new grpc.Metadata();
    const details = err.statusDetailsBin();
    if (details) metadata.set('grpc-status-details-bin', details);
    return { code: err.code, details: err.message, metadata };
  }
  logger.error(`internal error in ${rpc}`, err);
  return { code: grpc.status.INTERNAL, details: `internal error in ${rpc}` };
}
