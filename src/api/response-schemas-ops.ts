import { z } from 'zod';
import { OPERATION_STATUSES, OPERATION_STEPS, SERVER_OPERATIONS } from '../workflows/server-operation-contract';
import type { CancelOperationResult } from './operation-cancel';
import type { OperationList } from './operation-queries';
import type { OperationAccepted, OperationView } from './operation-view';
import type { OrderHistory } from './order-history';
import { isoTime, type AllFit, type Fits } from './response-schemas';

const int = () => z.number().int();

const operationLinksSchema = z.object({ self: z.string(), order: z.string() });
export const operationErrorSchema = z.object({
  step: z.enum(OPERATION_STEPS).nullable(),
  type: z.string(),
  message: z.string(),
});
const buildLimitsSchema = z.object({ memory: int(), swap: int(), disk: int(), io: int(), cpu: int() });

/** GET /v1/orders/:id/operations/:operationId. */
export const operationViewSchema = z.object({
  operationId: z.string(),
  orderId: z.string(),
  serverId: int().nullable(),
  operation: z.enum(SERVER_OPERATIONS).nullable(),
  status: z.enum(OPERATION_STATUSES),
  step: z.enum(OPERATION_STEPS).nullable(),
  changed: z.boolean().nullable(),
  build: z.object({ previous: buildLimitsSchema.nullable(), requested: buildLimitsSchema }).nullable(),
  rolledBack: z.boolean(),
  deprovisioned: z.boolean(),
  deleted: z
    .object({
      outcome: z.enum(['deleted', 'force_deleted', 'already_gone']),
      serverId: int().nullable(),
      sparedServerId: int().optional(),
    })
    .nullable(),
  released: z.array(int()),
  error: operationErrorSchema.nullable(),
  compensationErrors: z.array(operationErrorSchema),
  timeline: z.array(z.object({ at: isoTime(), status: z.enum(OPERATION_STATUSES), detail: z.string() })),
  startedAt: isoTime(),
  updatedAt: isoTime(),
  source: z.enum(['workflow', 'result', 'visibility']),
  links: operationLinksSchema,
});

/** GET /v1/orders/:id/operations. */
export const operationListSchema = z.object({ orderId: z.string(), operations: z.array(operationViewSchema) });

/** The 202 of POST /v1/orders/:id/operations. */
export const operationAcceptedSchema = z.object({
  operationId: z.string(),
  orderId: z.string(),
  serverId: int().nullable(),
  operation: z.enum(SERVER_OPERATIONS),
  status: z.literal('RUNNING'),
  links: operationLinksSchema,
});

/** The 202 of POST /v1/orders/:id/operations/:operationId/cancel. */
export const cancelOperationResultSchema = z.object({
  operationId: z.string(),
  orderId: z.string(),
  status: z.enum(OPERATION_STATUSES),
  cancelRequested: z.literal(true),
  links: operationLinksSchema,
});

const failureSchema = z.object({ type: z.string().nullable(), message: z.string(), cause: z.string().nullable() });

/** GET /v1/orders/:id/history. */
export const orderHistorySchema = z.object({
  orderId: z.string(),
  eventCount: int(),
  workflow: z.object({
    outcome: z.enum(['RUNNING', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW']),
    startedAt: isoTime().nullable(),
    closedAt: isoTime().nullable(),
    failure: failureSchema.nullable(),
  }),
  activities: z.array(
    z.object({
      scheduledEventId: int(),
      activityId: z.string(),
      activityType: z.string(),
      status: z.enum(['SCHEDULED', 'STARTED', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELED']),
      attempt: int().nullable(),
      scheduledAt: isoTime().nullable(),
      startedAt: isoTime().nullable(),
      closedAt: isoTime().nullable(),
      failure: failureSchema.nullable(),
    }),
  ),
  workflowTaskFailures: z.array(z.object({ at: isoTime().nullable(), failure: failureSchema.nullable() })),
  truncated: z.boolean(),
});

export const healthSchema = z.object({ status: z.literal('ok') });
export const readySchema = z.object({ status: z.literal('ready'), temporal: z.literal('reachable') });

/** The Temporal UI's remote codec body and answer: base64 metadata values and data. */
export const codecPayloadsSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })),
});

export type OperationSchemasFit = AllFit<
  [
    Fits<OperationView, typeof operationViewSchema>,
    Fits<OperationList, typeof operationListSchema>,
    Fits<OperationAccepted, typeof operationAcceptedSchema>,
    Fits<CancelOperationResult, typeof cancelOperationResultSchema>,
    Fits<OrderHistory, typeof orderHistorySchema>,
  ]
>;
