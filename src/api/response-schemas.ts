import { z } from 'zod';
import {
  OPERATOR_ACTIONS,
  ORDER_STATUSES,
  PARKED_REASONS,
  RECORDED_STATUSES,
  STEPS,
  TIERS,
  type RecordedStatus,
} from '../workflows/contract';
import type { CancelOrderResult } from './order-commands';
import type { OrderPage } from './order-queries';
import type { OrderView } from './order-view';

/** An ISO 8601 time as `Date.toISOString()` writes it. */
export const isoTime = () => z.string().meta({ format: 'date-time' });
const int = () => z.number().int();

/** An order status in an answer: a workflow's exact step, or PROVISIONING as visibility records them. */
export const recordedStatusSchema = z.enum([...new Set([...ORDER_STATUSES, ...RECORDED_STATUSES])] as [
  RecordedStatus,
  ...RecordedStatus[],
]);
const stepSchema = z.enum(STEPS);

/** `{ "error": { code, message, details } }`: every error the API answers. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable machine-readable code, e.g. order_not_found.' }),
    message: z.string().meta({ description: 'Human-readable explanation; wording may change.' }),
    details: z.record(z.string(), z.unknown()).nullable(),
  }),
});

/** A 400 from request validation: `details.issues` names each rejected field. */
export const validationErrorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'invalid_body, invalid_query, invalid_path, invalid_json...' }),
    message: z.string(),
    details: z
      .object({
        issues: z.array(
          z.object({
            field: z.string(),
            rule: z.string().optional().meta({ description: "For order variables: the egg's rule they break." }),
            reason: z.string(),
          }),
        ),
      })
      .catchall(z.unknown())
      .nullable(),
  }),
});

export const orderLinksSchema = z.object({
  self: z.string(),
  cancel: z.string(),
  temporalUi: z.string().optional().meta({ description: 'Only when TEMPORAL_UI_URL is set.' }),
  server: z
    .string()
    .optional()
    .meta({ description: 'The server the order created (GET /v1/servers/{id}); once ACTIVE.' }),
});

export const orderErrorSchema = z.object({
  step: z.enum([...STEPS, 'compensate', 'cancel']),
  type: z.string(),
  message: z.string(),
  compensation: z.string().optional(),
});

export const provisionedServerSchema = z.object({
  id: int(),
  uuid: z.string(),
  identifier: z.string(),
  node: int(),
  allocation: z.object({ id: int().optional(), ip: z.string(), port: int() }),
});

const parkedOrderSchema = z.object({
  sequence: int(),
  reason: z.enum(PARKED_REASONS),
  step: z.enum([...STEPS, 'compensate']),
  since: isoTime(),
  errors: z.array(orderErrorSchema),
  ledger: z.object({
    serverId: int().nullable(),
    serverUuid: z.string().nullable(),
    nodeId: int().nullable(),
    allocation: z.object({ id: int().nullable(), ip: z.string(), port: int() }).nullable(),
    reservationHeld: z.boolean(),
    pendingCompensations: z.array(z.string()),
    failedCompensations: z.array(z.string()),
  }),
  resolution: z
    .object({ action: z.enum(OPERATOR_ACTIONS), note: z.string(), at: isoTime(), by: z.string().optional() })
    .nullable(),
  webhook: z.object({ eventId: z.string(), sent: z.boolean().nullable(), error: z.string().nullable() }),
});

const callbackRecordSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  status: z.enum(ORDER_STATUSES),
  delivered: z.boolean(),
  deliveredAt: isoTime().nullable(),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
});

/** GET /v1/orders/:id (and the 200 of a repeated POST /v1/orders, and POST .../actions). */
export const orderViewSchema = z.object({
  orderId: z.string(),
  status: recordedStatusSchema,
  tier: z.enum(TIERS).nullable(),
  userId: int().nullable(),
  step: stepSchema.nullable(),
  server: provisionedServerSchema.nullable(),
  error: orderErrorSchema.extend({ step: orderErrorSchema.shape.step.nullable() }).nullable(),
  compensationErrors: z.array(orderErrorSchema),
  timeline: z.array(z.object({ at: isoTime(), status: z.enum(ORDER_STATUSES), detail: z.string() })),
  createdAt: isoTime(),
  updatedAt: isoTime(),
  source: z.enum(['workflow', 'visibility', 'entity']),
  queue: z
    .object({ position: int().nullable(), etaSeconds: z.number().nullable(), asOf: isoTime().nullable() })
    .nullable(),
  parked: parkedOrderSchema.optional(),
  callbacks: z.array(callbackRecordSchema).optional(),
  links: orderLinksSchema,
});

export const orderSummarySchema = z.object({
  orderId: z.string(),
  status: recordedStatusSchema,
  tier: z.enum(TIERS).nullable(),
  userId: int().nullable(),
  createdAt: isoTime(),
  closedAt: isoTime().nullable(),
  links: orderLinksSchema,
});

/** GET /v1/orders. */
export const orderPageSchema = z.object({
  orders: z.array(orderSummarySchema),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
});

/** The 202 of POST /v1/orders. */
export const orderAcceptedSchema = z.object({
  orderId: z.string(),
  status: z.literal('QUEUED'),
  links: orderLinksSchema,
});

/** The 202 of POST /v1/orders/:id/cancel. */
export const cancelOrderResultSchema = z.object({
  orderId: z.string(),
  status: recordedStatusSchema,
  cancelRequested: z.literal(true),
  links: orderLinksSchema,
});

/** Compiles only while `Actual` (what the code returns) fits `Schema`'s type: tsc fails when they drift apart. */
export type Fits<Actual, Schema extends z.ZodType> = Actual extends z.output<Schema> ? true : false;
/** A list of `Fits<...>` that compiles only when every one is true. */
export type AllFit<T extends true[]> = T;

export type OrderSchemasFit = AllFit<
  [
    Fits<OrderView, typeof orderViewSchema>,
    Fits<OrderPage, typeof orderPageSchema>,
    Fits<CancelOrderResult, typeof cancelOrderResultSchema>,
  ]
>;
