import { Router } from 'express';
import { callerOf } from '../middleware/auth';
import { cancelOrder, createOrder } from '../order-commands';
import { getOrder, listOrders, type OrdersDeps } from '../order-queries';
import { asyncRoute } from '../middleware/async-route';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';
import { cancelOrderBodySchema, createOrderBodySchema, listOrdersQuerySchema, orderParamsSchema } from '../schemas';

/** /v1/orders: create (202, or 200 for a repeat), list, get, cancel. */
export function ordersRouter(deps: OrdersDeps, maxBodyBytes: number): Router {
  const router = Router();
  const body = jsonBody(maxBodyBytes);

  router.post(
    '/',
    ...body,
    validate('body', createOrderBodySchema),
    asyncRoute(async (_req, res) => {
      const result = await createOrder(deps, validated(res, 'body', createOrderBodySchema));
      if (result.created) {
        const { orderId, status, links } = result;
        res.status(202).location(links.self).json({ orderId, status, links });
      } else {
        res.status(200).location(result.order.links.self).json(result.order);
      }
    }),
  );

  router.get(
    '/',
    validate('query', listOrdersQuerySchema),
    asyncRoute(async (_req, res) => {
      res.json(await listOrders(deps, validated(res, 'query', listOrdersQuerySchema)));
    }),
  );

  router.get(
    '/:id',
    validate('params', orderParamsSchema),
    asyncRoute(async (_req, res) => {
      res.json(await getOrder(deps, validated(res, 'params', orderParamsSchema).id));
    }),
  );

  router.post(
    '/:id/cancel',
    validate('params', orderParamsSchema),
    ...body,
    validate('body', cancelOrderBodySchema),
    asyncRoute(async (_req, res) => {
      const { id } = validated(res, 'params', orderParamsSchema);
      const { reason } = validated(res, 'body', cancelOrderBodySchema);
      res.status(202).json(await cancelOrder(deps, id, reason, callerOf(res).name));
    }),
  );

  return router;
}
