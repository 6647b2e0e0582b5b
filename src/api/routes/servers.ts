import { Router } from 'express';
import { requestEntityOperation } from '../entity-operations';
import { ApiError } from '../errors';
import { asyncRoute } from '../middleware/async-route';
import { callerOf } from '../middleware/auth';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';
import { operationBodySchema } from '../operation-schemas';
import { listServersQuerySchema, orderParamsSchema } from '../schemas';
import { listServers } from '../server-list';
import { billingBodySchema, getServer, setBilling, type ServersDeps } from '../server-entities';

/** /v1/servers: the servers' entities listed, a server's entity, its operations by the id of the order that created it, and its billing clock. */
export function serversRouter(deps: ServersDeps, maxBodyBytes: number): Router {
  const router = Router();

  router.get(
    '/',
    validate('query', listServersQuerySchema),
    asyncRoute(async (_req, res) => {
      res.json(await listServers(deps.client, validated(res, 'query', listServersQuerySchema)));
    }),
  );

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

  router.post(
    '/:id/operations',
    validate('params', orderParamsSchema),
    ...jsonBody(maxBodyBytes),
    validate('body', operationBodySchema),
    asyncRoute(async (_req, res) => {
      const { id } = validated(res, 'params', orderParamsSchema);
      const body = validated(res, 'body', operationBodySchema);
      const accepted = await requestEntityOperation(deps, id, body, callerOf(res).name);
      if (!accepted)
        throw new ApiError(404, 'server_not_found', `no running server entity for order ${id}`, { orderId: id });
      res.status(202).location(accepted.links.self).json(accepted);
    }),
  );

  return router;
}
