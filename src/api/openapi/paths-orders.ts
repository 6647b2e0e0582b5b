import { rolesFor } from '../middleware/auth';
import { listOrdersQuerySchema, orderParamsSchema } from '../schemas';
import { operation, type Access } from './components';
import { parametersOf } from './schemas';

/** The roles `requireRole` lets make `method` on the /v1 path `path` (its `{params}` filled in). */
export function v1Access(method: 'GET' | 'POST', path: string): Access {
  return rolesFor({ method, path: path.replace(/^\/v1/, '').replace(/\{[^}]+\}/g, 'x') });
}

const location = { Location: { description: 'The URL of the created resource.', schema: { type: 'string' } } };

export const CREATE_ORDER_EXAMPLE = {
  orderId: 'ctrlpanel-1042',
  userId: 42,
  tier: 'standard',
  name: 'survival',
  eggId: 1,
  environment: { SERVER_JARFILE: 'server.jar' },
  limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 },
  featureLimits: { databases: 0, backups: 0, allocations: 1 },
  locationIds: [1],
};

const orderParams = parametersOf(orderParamsSchema, 'path', { id: 'The order id (orderId).' });
const listParams = parametersOf(listOrdersQuerySchema, 'query', {
  userId: 'Only orders of this panel user.',
  status: 'Only orders with this recorded status (provisioning steps together as PROVISIONING).',
  tier: 'Only orders of this tier.',
  limit: 'Page size, 1-100 (default 20).',
  cursor: 'The `nextCursor` of the previous page (same filters).',
});

/** /v1/orders, /v1/orders/{id}, its cancel, actions and history. */
export function orderPaths() {
  return {
    '/v1/orders': {
      post: operation({
        operationId: 'createOrder',
        summary: 'Order a server',
        description:
          'Queues the order (202) and starts its workflow `order-<orderId>`. Repeating an `orderId` with the same body ' +
          'answers 200 with the order; with another body 409 (`order_conflict`). 429 ' +
          '(`too_many_orders_in_flight`, Retry-After) when the user has MAX_INFLIGHT_PER_USER orders in flight; 400 ' +
          'also for egg variables the egg does not allow and a callbackUrl the service may not call.',
        tags: ['orders'],
        access: v1Access('POST', '/v1/orders'),
        body: { schema: 'CreateOrderRequest', example: CREATE_ORDER_EXAMPLE },
        responses: {
          202: {
            description: 'Accepted: the order is queued.',
            schema: 'OrderAccepted',
            headers: location,
            example: {
              orderId: 'ctrlpanel-1042',
              status: 'QUEUED',
              links: { self: '/v1/orders/ctrlpanel-1042', cancel: '/v1/orders/ctrlpanel-1042/cancel' },
            },
          },
          200: { description: 'The order existed with the same body.', schema: 'OrderView', headers: location },
        },
        errors: [400, 409, 413, 415, 429, 503],
      }),
      get: operation({
        operationId: 'listOrders',
        summary: 'List orders',
        description: 'One page from Temporal visibility: running orders first, newest first, then finished ones.',
        tags: ['orders'],
        access: v1Access('GET', '/v1/orders'),
        parameters: listParams,
        responses: { 200: { description: 'One page of orders.', schema: 'OrderPage' } },
        errors: [400, 503],
      }),
    },
    '/v1/orders/{id}': {
      get: operation({
        operationId: 'getOrder',
        summary: 'Get an order',
        description: "The workflow's state (`source: workflow`), or Temporal's records when it cannot answer.",
        tags: ['orders'],
        access: v1Access('GET', '/v1/orders/{id}'),
        parameters: orderParams,
        responses: { 200: { description: 'The order.', schema: 'OrderView' } },
        errors: [400, 404, 503],
      }),
    },
    '/v1/orders/{id}/cancel': {
      post: operation({
        operationId: 'cancelOrder',
        summary: 'Cancel an order',
        description:
          'Signals the workflow to cancel and roll back; 409 (`order_finished`) once finished or rolling back.',
        tags: ['orders'],
        access: v1Access('POST', '/v1/orders/{id}/cancel'),
        parameters: orderParams,
        body: { schema: 'CancelRequest', required: false, example: { reason: 'customer request' } },
        responses: { 202: { description: 'Cancellation requested.', schema: 'CancelOrderResult' } },
        errors: [400, 404, 409, 413, 415, 503],
      }),
    },
    '/v1/orders/{id}/actions': {
      post: operation({
        operationId: 'applyOrderAction',
        summary: 'Resolve a NEEDS_ATTENTION order',
        description:
          'retry-step, rollback or mark-resolved; 409 (`order_not_parked`) unless the order is NEEDS_ATTENTION.',
        tags: ['operator'],
        access: v1Access('POST', '/v1/orders/{id}/actions'),
        parameters: orderParams,
        body: { schema: 'OrderActionRequest', example: { action: 'retry-step', note: 'panel node back online' } },
        responses: { 200: { description: 'The order right after the action.', schema: 'OrderView' } },
        errors: [400, 404, 409, 413, 415, 503],
      }),
    },
    '/v1/orders/{id}/history': {
      get: operation({
        operationId: 'getOrderHistory',
        summary: "Summarise an order's workflow history",
        tags: ['operator'],
        access: v1Access('GET', '/v1/orders/{id}/history'),
        parameters: orderParams,
        responses: { 200: { description: 'Activities, attempts and failures.', schema: 'OrderHistory' } },
        errors: [400, 404, 503],
      }),
    },
  };
}
