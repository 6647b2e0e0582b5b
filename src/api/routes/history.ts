import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { asyncRoute } from '../middleware/async-route';
import { validate, validated } from '../middleware/validate';
import { orderHistory } from '../order-history';
import { orderParamsSchema } from '../schemas';

/** GET /v1/orders/:id/history: the order's Temporal workflow history, summarised (activities, attempts, failures). */
export function historyRouter(client: Client): Router {
  const router = Router();
  router.get(
    '/:id/history',
    validate('params', orderParamsSchema),
    asyncRoute(async (_req, res) => {
      res.json(await orderHistory(client, validated(res, 'params', orderParamsSchema).id));
    }),
  );
  return router;
}
