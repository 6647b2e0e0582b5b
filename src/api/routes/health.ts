import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { sendError, ApiError } from '../errors';

/** How long one answer of Temporal serves /readyz: probes are coalesced, never more than one check per second. */
export const READINESS_CACHE_MS = 1000;

/** Whether Temporal answered within `timeoutMs`: one check at a time, its answer reused for `cacheMs`. */
function temporalCheck(client: Client, timeoutMs: number, cacheMs: number): () => Promise<boolean> {
  let last: { at: number; answer: Promise<boolean> } | undefined;
  return () => {
    const now = Date.now();
    if (last && now - last.at < cacheMs) return last.answer;
    const connection = client.connection;
    const answer = connection
      .withDeadline(now + timeoutMs, () => connection.workflowService.getSystemInfo({}))
      .then(
        () => true,
        () => false,
      );
    last = { at: now, answer };
    return answer;
  };
}

/**
 * GET /healthz: the process is up. GET /readyz: Temporal answers within `timeoutMs` and this process's API worker
 * (admission, census) runs (503 otherwise); Temporal is asked at most once per READINESS_CACHE_MS. No auth.
 */
export function healthRouter(client: Client, timeoutMs: number, apiWorkerReady: () => boolean = () => true): Router {
  const router = Router();
  const temporalReachable = temporalCheck(client, timeoutMs, READINESS_CACHE_MS);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    void temporalReachable().then((reachable) => {
      if (!reachable) {
        sendError(res, new ApiError(503, 'not_ready', 'Temporal is not reachable', { temporal: 'unreachable' }));
      } else if (apiWorkerReady()) {
        res.json({ status: 'ready', temporal: 'reachable' });
      } else {
        sendError(
          res,
          new ApiError(503, 'not_ready', 'the API worker (admission) is not running yet', {
            temporal: 'reachable',
            apiWorker: 'not_running',
          }),
        );
      }
    });
  });
  return router;
}
