import { Router } from 'express';
import type { QueueHistory } from '../queue-history';

/** GET /v1/queue/history: the last hour, one value a minute per series (kept in this API process). */
export function queueHistoryRouter(history: QueueHistory): Router {
  const router = Router();
  router.get('/history', (_req, res) => {
    res.json(history.view());
  });
  return router;
}
