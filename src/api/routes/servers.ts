import { Router } from 'express';
import { asyncRoute } from '../middleware/async-route';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';
import { orderParamsSchema } from '../schemas';
import { billingBodySchema, getServer, setBilling, type ServersDeps } from '../server-entities';

/** /v1/servers: a server's entity by the id of the order that created it, and its billing clock. */
export function serversRouter(deps: ServersDeps, maxBodyBytes: number): Router {
  const router = Router();

  router.get(
    '/:id',
    validate('params', orderParamsSchema),
    asyncRoute(async (_req, res) => {
      res.json(await getServer(deps, validated(res, 'params', orderParamsSchema).id));
    }),
  );

  router.post(
    '/:id/billing',
    validate('params', orderParamsSchema),
    ...jsonBody(maxBodyBytes),
    validate('body', billingBodySchema),
    asyncRoute(async (_req, res) => {
      const { id } = validated(res, 'params', orderParamsSchema);
      res.status(202).json(await setBilling(deps, id, validated(res, 'body', billingBodySchema)));
    }),
  );

  return router;
}
