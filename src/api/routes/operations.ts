import { Router } from 'express';
import { asyncRoute } from '../middleware/async-route';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';
import { requestOperation, type OperationsDeps } from '../operation-commands';
import { getOperation } from '../operation-queries';
import { operationBodySchema, orderOperationParamsSchema } from '../operation-schemas';
import { orderParamsSchema } from '../schemas';

/** /v1/orders/:id/operations: lifecycle operations on the order's server (202), and their state. */
export function operationsRouter(deps: OperationsDeps, maxBodyBytes: number): Router {
  const router = Router();

  router.post('/:id/operations', validate('params', orderParamsSchema), ...jsonBody(maxBodyBytes), validate('body', operationBodySchema),
    asyncRoute(async (_req, res) => {
      const { id } = validated(res, 'params', orderParamsSchema);
      const accepted = await requestOperation(deps, id, validated(res, 'body', operationBodySchema));
      res.status(202).location(accepted.links.self).json(accepted);
    }));

  router.get('/:id/operations/:operationId', validate('params', orderOperationParamsSchema), asyncRoute(async (_req, res) => {
    const { id, operationId } = validated(res, 'params', orderOperationParamsSchema);
    res.json(await getOperation(deps, id, operationId));
  }));

  return router;
}
