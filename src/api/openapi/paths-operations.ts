import { orderOperationParamsSchema } from '../operation-schemas';
import { orderParamsSchema } from '../schemas';
import { operation } from './components';
import { v1Access } from './paths-orders';
import { parametersOf } from './schemas';

const orderParams = parametersOf(orderParamsSchema, 'path', { id: 'The order id (orderId).' });
const operationParams = parametersOf(orderOperationParamsSchema, 'path', {
  id: 'The order id (orderId).',
  operationId: 'The operationId POST .../operations answered.',
});
const location = { Location: { description: 'The URL of the operation.', schema: { type: 'string' } } };

/** /v1/orders/{id}/operations... and /v1/queue. */
export function operationPaths() {
  return {
    '/v1/orders/{id}/operations': {
      post: operation({
        operationId: 'requestOperation',
        summary: "Run an operation on the order's server",
        description:
          'suspend, unsuspend, reinstall, resize (with `build`) or delete, as a workflow (202). An order with a ' +
          "server entity hands it to the entity, as POST /v1/servers/{id}/operations does, so the server's state " +
          'follows. 409: the order is not ACTIVE (`order_not_active`), its server was deleted (`server_deleted`), ' +
          'another operation runs (`operation_in_progress`) or its state forbids it (`operation_not_allowed`).',
        tags: ['operations'],
        access: v1Access('POST', '/v1/orders/{id}/operations'),
        parameters: orderParams,
        body: {
          schema: 'OperationRequest',
          example: { operation: 'resize', build: { memory: 2048, swap: 0, disk: 10240, io: 500, cpu: 200 } },
        },
        responses: { 202: { description: 'Started.', schema: 'OperationAccepted', headers: location } },
        errors: [400, 404, 409, 413, 415, 503],
      }),
      get: operation({
        operationId: 'listOperations',
        summary: "List the operations on the order's server",
        description: 'Newest first, from visibility (one started a moment ago may be missing).',
        tags: ['operations'],
        access: v1Access('GET', '/v1/orders/{id}/operations'),
        parameters: orderParams,
        responses: { 200: { description: 'The operations.', schema: 'OperationList' } },
        errors: [400, 404, 503],
      }),
    },
    '/v1/orders/{id}/operations/{operationId}': {
      get: operation({
        operationId: 'getOperation',
        summary: 'Get an operation',
        tags: ['operations'],
        access: v1Access('GET', '/v1/orders/{id}/operations/{operationId}'),
        parameters: operationParams,
        responses: { 200: { description: 'The operation.', schema: 'OperationView' } },
        errors: [400, 404, 503],
      }),
    },
    '/v1/orders/{id}/operations/{operationId}/cancel': {
      post: operation({
        operationId: 'cancelOperation',
        summary: 'Cancel an operation',
        description: '409 once it finished (`operation_finished`) or while it rolls back (`operation_rolling_back`).',
        tags: ['operations'],
        access: v1Access('POST', '/v1/orders/{id}/operations/{operationId}/cancel'),
        parameters: operationParams,
        body: { schema: 'CancelRequest', required: false, example: { reason: 'wrong size' } },
        responses: { 202: { description: 'Cancellation requested.', schema: 'CancelOperationResult' } },
        errors: [400, 404, 409, 413, 415, 503],
      }),
    },
    '/v1/queue': {
      get: operation({
        operationId: 'getQueueOverview',
        summary: 'Queue overview',
        description: 'Backlog by tier and status, work in progress, service rate, flow control and task queues.',
        tags: ['queue'],
        access: v1Access('GET', '/v1/queue'),
        responses: { 200: { description: 'The queue.', schema: 'QueueOverview' } },
        errors: [503],
      }),
    },
    '/v1/queue/history': {
      get: operation({
        operationId: 'getQueueHistory',
        summary: 'The last hour, a value a minute',
        description:
          'Orders accepted, finished, failed and parked, wait to dispatch by tier (p50/p95) and provider budget use, ' +
          'kept in this API process from the census and the flow-control snapshot (no visibility call). A null value: not enough data in that minute.',
        tags: ['queue'],
        access: v1Access('GET', '/v1/queue/history'),
        responses: { 200: { description: 'Each series with its window and unit.', schema: 'QueueHistory' } },
        errors: [],
      }),
    },
  };
}
