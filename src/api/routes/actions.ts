import { Router } from 'express';
import { asyncRoute } from '../middleware/async-route';
import { callerOf } from '../middleware/auth';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';
import { applyOrderAction, orderActionBodySchema } from '../order-actions';
import type { OrdersDeps } from '../order-queries';
import { orderParamsSchema } from '../schemas';

/** POST /v1/orders/:id/actions: an operator's retry-step, rollback or mark-resolved on a NEEDS_ATTENTION order (200). */
export function actionsRouter(deps: OrdersDeps, maxBodyBytes: number): Router {
  const router = Router();
  router.post(
    '/:id/actions',
    validate('params', orderParamsSchema),
    ...jsonBody(maxBodyBytes),
    validate('body', orderActionBodySchema),
    asyncRoute(async (_req, res) => {
      const { id } = validated(res, 'params', orderParamsSchema);
      res.json(await applyOrderAction(deps, id, validated(res, 'body', orderActionBodySchema), callerOf(res).name));
    }),
  );
  return router;
}
