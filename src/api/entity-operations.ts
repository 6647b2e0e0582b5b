import { ApplicationFailure, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  OPERATOR_REFUSALS,
  operatorRequestUpdate,
  serverEntityWorkflowId,
  type ServerEntityState,
} from '../workflows/server-entity-contract';
import { serverOperationWorkflowId } from '../workflows/server-operation-contract';
import { ApiError } from './errors';
import { adoptServer, type AdoptionDeps } from '../server-adoption';
import type { OperationBody } from './operation-schemas';
import { operationLinks, type OperationAccepted } from './operation-view';
import { describeIfFound, isWorkflowNotFound } from '../temporal-errors';

export type EntityOperationsDeps = AdoptionDeps;

/** How long the API waits for the entity to start the operation's child (a few workflow tasks). */
const START_DEADLINE_MS = 15_000;

/**
 * An operation that has just ended holds the server until its entity takes note (a workflow task later): a request
 * refused for it is asked again, NOTE_ATTEMPTS times NOTE_WAIT_MS apart.
 */
const NOTE_ATTEMPTS = 20;
const NOTE_WAIT_MS = 100;

async function heldByFinished(client: Client, orderId: string, failure: ApplicationFailure): Promise<boolean> {
  const [detail] = (failure.details ?? []) as Array<{ operationId?: string | null }>;
  if (failure.type !== OPERATOR_REFUSALS.busy || !detail?.operationId) return false;
  const run = client.workflow.getHandle(serverOperationWorkflowId(orderId), detail.operationId);
  const described = await describeIfFound(run);
  return described !== undefined && described.status.name !== 'RUNNING';
}

function refusal(orderId: string, failure: ApplicationFailure): ApiError {
  const [detail] = (failure.details ?? []) as Array<{ operationId?: string | null; operation?: string }>;
  switch (failure.type) {
    case OPERATOR_REFUSALS.busy:
      return new ApiError(409, 'operation_in_progress', failure.message, {
        orderId,
        operationId: detail?.operationId ?? null,
        operation: detail?.operation ?? null,
      });
    case OPERATOR_REFUSALS.gone:
      return new ApiError(409, 'server_deleted', failure.message, {
        orderId,
        operationId: detail?.operationId ?? null,
      });
    default:
      return new ApiError(409, 'operation_not_allowed', failure.message, { orderId });
  }
}

/**
 * Asks the entity of the order's server to run the operation (its `serverOperator` update): the operation as it
 * started, 409 with the entity's reason when it refused, or undefined when the order has no running entity and gets
 * none (`adoptServer`: orders from before entities are adopted here) or asks to delete a deleted server again: the
 * caller then starts the operation itself, as for orders without an entity.
 */
export async function requestEntityOperation(
  deps: EntityOperationsDeps,
  orderId: string,
  body: OperationBody,
  requestedBy: string,
): Promise<OperationAccepted | undefined> {
  const asked = await askEntity(deps, orderId, body, requestedBy);
  if (asked) return asked;
  const adoption = await adoptServer(deps, orderId);
  if (adoption === 'ended') await refuseIfLost(deps.client, orderId);
  return adoption === 'running' ? askEntity(deps, orderId, body, requestedBy) : undefined;
}

/** 409 `server_lost` when the server's entity ended LOST (the reconciliation sweep found it gone from the panel). */
async function refuseIfLost(client: Client, orderId: string): Promise<void> {
  const handle = client.workflow.getHandle(serverEntityWorkflowId(orderId));
  const described = await describeIfFound(handle);
  if (described?.status.name !== 'COMPLETED') return;
  const state = (await handle.result()) as ServerEntityState;
  if (state.status !== 'LOST') return;
  throw new ApiError(409, 'server_lost', `the server of order ${orderId} is no longer on the panel`, {
    orderId,
    serverId: state.server.id,
  });
}

async function askEntity(
  deps: EntityOperationsDeps,
  orderId: string,
  body: OperationBody,
  requestedBy: string,
): Promise<OperationAccepted | undefined> {
  const handle = deps.client.workflow.getHandle(serverEntityWorkflowId(orderId));
  const request = {
    operation: body.operation,
    by: requestedBy,
    ...(body.operation === 'resize' ? { build: body.build } : {}),
  };
  let result;
  for (let attempt = 1; ; attempt++) {
    try {
      result = await deps.client.withDeadline(Date.now() + START_DEADLINE_MS, () =>
        handle.executeUpdate(operatorRequestUpdate, { args: [request] }),
      );
      break;
    } catch (err) {
      if (isWorkflowNotFound(err)) return undefined;
      if (!(err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)) throw err;
      const failure = err.cause;
      if (failure.type === OPERATOR_REFUSALS.gone && body.operation === 'delete') return undefined;
      if (attempt < NOTE_ATTEMPTS && (await heldByFinished(deps.client, orderId, failure))) {
        await new Promise((resolve) => setTimeout(resolve, NOTE_WAIT_MS));
        continue;
      }
      throw refusal(orderId, failure);
    }
  }
  const { operationId, state } = result;
  deps.logger.info(
    { orderId, serverId: state.server.id, operation: body.operation, operationId, requestedBy },
    'server operation started by its entity',
  );
  return {
    operationId,
    orderId,
    serverId: state.server.id,
    operation: body.operation,
    status: 'RUNNING',
    links: operationLinks(orderId, operationId),
  };
}
