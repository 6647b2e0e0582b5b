import { z } from 'zod';
import { SERVER_OPERATIONS } from '../workflows/server-operation-contract';
import { createOrderBodySchema, orderIdSchema } from './schemas';

/** POST /v1/orders/:id/operations: the operation, and for `resize` (only) the new limits. */
export const operationBodySchema = z
  .strictObject({
    operation: z.enum(SERVER_OPERATIONS),
    build: createOrderBodySchema.shape.limits.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.operation === 'resize' && body.build === undefined) {
      ctx.addIssue({ code: 'custom', path: ['build'], message: 'required for resize' });
    }
    if (body.operation !== 'resize' && body.build !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['build'], message: 'only allowed with resize' });
    }
  });
export type OperationBody = z.output<typeof operationBodySchema>;

export const operationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an operation id returned by POST .../operations');

export const orderOperationParamsSchema = z.object({ id: orderIdSchema, operationId: operationIdSchema });
