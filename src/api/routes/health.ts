import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { sendError, ApiError } from '../errors';

/**
 * GET /healthz: the process is up. GET /readyz: Temporal answers within `timeoutMs` and this process's API worker
 * (admission, census) runs (503 otherwise). No auth.
 */
export function healthRouter(client: Client, timeoutMs: number, apiWorkerReady: () => boolean = () => true): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const connection = client.connection;
    connection
      .withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}))
      .then(
        () => {
          if (apiWorkerReady()) res.json({ status: 'ready', temporal: 'reachable' });
          else
            sendError(
              res,
              new ApiError(503, 'not_ready', 'the API worker (admission) is not running yet', {
                temporal: 'reachable',
                apiWorker: 'not_running',
              }),
            );
        },
        () => {
          sendError(res, new ApiError(503, 'not_ready', 'Temporal is not reachable', { temporal: 'unreachable' }));
        },
      );
  });
  return router;
}
