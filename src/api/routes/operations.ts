import { Router } from 'express';
import { asyncRoute } from '../middleware/async-route';
import { callerOf } from '../middleware/auth';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';
import { cancelOperation } from '../operation-cancel';
import { requestOperation, type OperationsDeps } from '../operation-commands';
import { getOperation, listOperations } from '../operation-queries';
import { operationBodySchema, orderOperationParamsSchema } from '../operation-schemas';
import { cancelOrderBodySchema, orderParamsSchema } from '../schemas';

/** /v1/orders/:id/operations: lifecycle operations on the order's server (202), their list, state and cancellation. */
export function operationsRouter(deps: OperationsDeps, maxBodyBytes: number): Router {
  const router = Router();

  router.post(
    '/:id/operations',
    validate('params', orderParamsSchema),
    ...jsonBody(maxBodyBytes),
    validate('body', operationBodySchema),
    asyncRoute(async (_req, res) => {
      const { id } = validated(res, 'params', orderParamsSchema);
      const accepted = await requestOperation(
        deps,
        id,
        validated(res, 'body', operationBodySchema),
        callerOf(res).name,
      );
      res.status(202).location(accepted.links.self).json(accepted);
    }),
  );

  router.get(
    '/:id/operations',
    validate('params', orderParamsSchema),
    asyncRoute(async (_req, res) => {
      res.json(await listOperations(deps, validated(res, 'params', orderParamsSchema).id));
    }),
  );

  router.get(
    '/:id/operations/:operationId',
    validate('params', orderOperationParamsSchema),
    asyncRoute(async (_req, res) => {
      const { id, operationId } = validated(res, 'params', orderOperationParamsSchema);
      res.json(await getOperation(deps, id, operationId));
    }),
  );

  router.post(
    '/:id/operations/:operationId/cancel',
    validate('params', orderOperationParamsSchema),
    ...jsonBody(maxBodyBytes),
    validate('body', cancelOrderBodySchema),
    asyncRoute(async (_req, res) => {
      const { id, operationId } = validated(res, 'params', orderOperationParamsSchema);
      res
        .status(202)
        .json(
          await cancelOperation(
            deps,
            id,
            operationId,
            validated(res, 'body', cancelOrderBodySchema).reason,
            callerOf(res).name,
          ),
        );
    }),
  );

  return router;
}
