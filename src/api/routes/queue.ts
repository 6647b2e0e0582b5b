import { Router } from 'express';
import { asyncRoute } from '../middleware/async-route';
import { queueOverview, type QueueOverviewDeps } from '../queue-overview';

/** GET /v1/queue: backlog, flow control and task-queue statistics. */
export function queueRouter(deps: QueueOverviewDeps): Router {
  const router = Router();
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      res.json(await queueOverview(deps));
    }),
  );
  return router;
}
