import { status } from '@grpc/grpc-js';
import { encodeMessage } from './proto';

/** A gRPC error with the status code the real Temporal server uses for the same condition. */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly detail?: { typeName: string; value: object },
  ) {
    super(message);
  }

  statusDetailsBin(): Buffer | undefined {
    if (!this.detail) return undefined;
    const any = { type_url: `type.googleapis.com/${this.detail.typeName}`, value: encodeMessage(this.detail.typeName, this.detail.value) };
    return encodeMessage('google.rpc.Status', { code: this.code, message: this.message, details: [any] });
  }
}

export const invalidArgument = (msg: string) => new RpcError(status.INVALID_ARGUMENT, msg);
export const notFound = (msg: string) => new RpcError(status.NOT_FOUND, msg);
export const failedPrecondition = (msg: string) => new RpcError(status.FAILED_PRECONDITION, msg);
export const unimplemented = (msg: string) => new RpcError(status.UNIMPLEMENTED, msg);

export function workflowNotFound(workflowId: string, runId?: string | null): RpcError {
  return new RpcError(status.NOT_FOUND, `workflow execution not found for workflow ID "${workflowId}"${runId ? ` and run ID "${runId}"` : ''}`, {
    typeName: 'temporal.api.errordetails.v1.NotFoundFailure',
    value: {},
  });
}

export function alreadyStarted(workflowId: string, runId: string, startRequestId: string): RpcError {
  return new RpcError(status.ALREADY_EXISTS, `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${runId}.`, {
    typeName: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
    value: { startRequestId, runId },
  });
}

export function namespaceNotFound(namespace: string): RpcError {
  return new RpcError(status.NOT_FOUND, `Namespace ${namespace} is not found.`, {
    typeName: 'temporal.api.errordetails.v1.NamespaceNotFoundFailure',
    value: { namespace },
  });
}

export function requireField(value: unknown, field: string): void {
  if (value === undefined || value === null || value === '') throw invalidArgument(`${field} is not set on request.`);
}
