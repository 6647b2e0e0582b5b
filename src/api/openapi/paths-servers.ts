import { listServersQuerySchema, orderParamsSchema } from '../schemas';
import { operation } from './components';
import { v1Access } from './paths-orders';
import { parametersOf } from './schemas';

const serverParams = parametersOf(orderParamsSchema, 'path', { id: 'The id of the order that created the server.' });

const listParams = parametersOf(listServersQuerySchema, 'query', {
  userId: 'Only servers of this panel user.',
  status: 'Only servers in this state.',
  node: 'Only servers on this panel node.',
  tier: 'Only servers of this tier.',
  limit: 'Page size, 1-100 (default 20).',
  cursor: 'The `nextCursor` of the previous page (same filters).',
});

/** /v1/servers, /v1/servers/{id} and its billing clock. */
export function serverPaths() {
  return {
    '/v1/servers': {
      get: operation({
        operationId: 'listServers',
        summary: 'List servers',
        description:
          "One page from Temporal visibility, from the server entities' search attributes (ServerStatus, UserId, " +
          'NodeId, Tier): running entities first, newest first, then ended ones (deleted servers).',
        tags: ['servers'],
        access: v1Access('GET', '/v1/servers'),
        parameters: listParams,
        responses: { 200: { description: 'One page of servers.', schema: 'ServerPage' } },
        errors: [400, 503],
      }),
    },
    '/v1/servers/{id}': {
      get: operation({
        operationId: 'getServer',
        summary: "A server's entity",
        description:
          'Status (ACTIVE, SUSPENDED, DELETING, DELETED), why it is suspended (billing, operator), the billing clock ' +
          'with its next step, the operations it ran and its timeline. 404 (`server_not_found`) until the order ' +
          'is ACTIVE, and for orders that finished before server entities existed.',
        tags: ['servers'],
        access: v1Access('GET', '/v1/servers/{id}'),
        parameters: serverParams,
        responses: { 200: { description: 'The server.', schema: 'ServerView' } },
        errors: [400, 404, 503],
      }),
    },
    '/v1/servers/{id}/operations': {
      post: operation({
        operationId: 'requestServerOperation',
        summary: 'Run an operation on a server through its entity',
        description:
          "suspend, unsuspend, reinstall, resize (with `build`) or delete, serialised by the server's entity and " +
          "run as a `serverOperation` (read it at `links.self`). Works after the order's own workflow is gone. " +
          '409 `operation_in_progress` while another operation (or a billing step) runs, `server_deleted` once the ' +
          'server is deleted, `operation_not_allowed` when its state forbids it (an operator cannot lift a ' +
          'billing suspension: a payment does). 404 when the order has no running server entity.',
        tags: ['servers'],
        access: v1Access('POST', '/v1/servers/{id}/operations'),
        parameters: serverParams,
        body: { schema: 'OperationRequest', example: { operation: 'suspend' } },
        responses: { 202: { description: 'The operation started.', schema: 'OperationAccepted' } },
        errors: [400, 404, 409, 413, 415, 503],
      }),
    },
    '/v1/servers/{id}/billing': {
      post: operation({
        operationId: 'setServerBilling',
        summary: 'Tell the service about payment',
        description:
          '`overdue` starts the billing clock: a `server.suspension_warning` callback BILLING_WARNING_LEAD before ' +
          '`suspendAt` (default now), the suspension at `suspendAt`, a `server.deletion_warning` before `deleteAt` ' +
          "(default `suspendAt` plus the tier's GRACE_PERIOD_*), the deletion at `deleteAt`, all on durable timers. " +
          "`paid` stops the clock and lifts a billing suspension (never an operator's). 409 (`server_gone`) while the " +
          'server is being deleted or after.',
        tags: ['servers'],
        access: v1Access('POST', '/v1/servers/{id}/billing'),
        parameters: serverParams,
        body: { schema: 'BillingRequest', example: { state: 'overdue', suspendAt: '2026-12-20T00:00:00Z' } },
        responses: { 202: { description: 'The billing state is set; the server as it is now.', schema: 'ServerView' } },
        errors: [400, 404, 409, 413, 415, 503],
      }),
    },
  };
}
