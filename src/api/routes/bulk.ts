import { Router } from 'express';
import { bulkBodySchema, bulkParamsSchema, cancelBulk, getBulk, startBulk, type BulkDeps } from '../bulk';
import { asyncRoute } from '../middleware/async-route';
import { callerOf } from '../middleware/auth';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';

/** /v1/bulk: start a bulk action (202), follow its progress, cancel it. */
export function bulkRouter(deps: BulkDeps, maxBodyBytes: number): Router {
  const router = Router();

  router.post(
    '/',
    ...jsonBody(maxBodyBytes),
    validate('body', bulkBodySchema),
    asyncRoute(async (_req, res) => {
      const started = await startBulk(deps, validated(res, 'body', bulkBodySchema), callerOf(res).name);
      res.status(202).location(started.links.self).json(started);
    }),
  );

  router.get(
    '/:id',
    validate('params', bulkParamsSchema),
    asyncRoute(async (_req, res) => {
      res.json(await getBulk(deps, validated(res, 'params', bulkParamsSchema).id));
    }),
  );

  router.post(
    '/:id/cancel',
    validate('params', bulkParamsSchema),
    asyncRoute(async (_req, res) => {
      const { id } = validated(res, 'params', bulkParamsSchema);
      res.status(202).json(await cancelBulk(deps, id, callerOf(res).name));
    }),
  );

  return router;
}
