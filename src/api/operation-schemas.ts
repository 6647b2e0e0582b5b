import { z } from 'zod';
import { SERVER_OPERATIONS } from '../workflows/server-operation-contract';
import { createOrderBodySchema, orderIdSchema } from './schemas';

const OTHER_OPERATIONS = SERVER_OPERATIONS.filter((o) => o !== 'resize') as [
  Exclude<(typeof SERVER_OPERATIONS)[number], 'resize'>,
  ...Array<Exclude<(typeof SERVER_OPERATIONS)[number], 'resize'>>,
];

/** POST /v1/orders/:id/operations: the operation, and for `resize` (only, and then required) the new limits. */
export const operationBodySchema = z.discriminatedUnion('operation', [
  z.strictObject({ operation: z.literal('resize'), build: createOrderBodySchema.shape.limits }),
  z.strictObject({ operation: z.enum(OTHER_OPERATIONS) }),
]);
export type OperationBody = z.output<typeof operationBodySchema>;

export const operationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an operation id returned by POST .../operations');

export const orderOperationParamsSchema = z.object({ id: orderIdSchema, operationId: operationIdSchema });
