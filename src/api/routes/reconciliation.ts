import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { Router } from 'express';
import { reconcileStatus, triggerReconcile } from '../../temporal-reconcile';
import { ApiError } from '../errors';
import { asyncRoute } from '../middleware/async-route';

/** /v1/reconciliation: the sweep's Schedule and newest report (any key); POST /run starts one now (operator keys). */
export function reconciliationRouter(deps: { client: Client; taskQueue: string }): Router {
  const router = Router();

  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      res.json(await reconcileStatus(deps.client, deps.taskQueue));
    }),
  );

  router.post(
    '/run',
    asyncRoute(async (_req, res) => {
      try {
        await triggerReconcile(deps.client, deps.taskQueue);
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
        throw new ApiError(409, 'reconciliation_not_scheduled', 'no worker has set up the reconciliation sweep yet');
      }
      res.status(202).json({ triggered: true });
    }),
  );

  return router;
}
