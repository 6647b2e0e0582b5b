import { z } from 'zod';
import { TIERS } from '../workflows/contract';
import { SERVER_STATUSES } from '../workflows/server-entity-contract';
import { OPERATION_STATUSES, SERVER_OPERATIONS } from '../workflows/server-operation-contract';
import { isoTime, provisionedServerSchema, type AllFit, type Fits } from './response-schemas';
import { operationErrorSchema } from './response-schemas-ops';
import { createOrderBodySchema } from './schemas';
import type { ServerView } from './server-entities';
import type { ServerPage, ServerSummary } from './server-list';

const int = () => z.number().int();

const buildLimitsSchema = createOrderBodySchema.shape.limits;
const serverLinksSchema = z.object({ self: z.string(), order: z.string(), billing: z.string() });

/** GET /v1/servers/:orderId and the 202 of POST /v1/servers/:orderId/billing. */
export const serverViewSchema = z.object({
  orderId: z.string(),
  userId: int(),
  tier: z.enum(TIERS),
  externalId: z.string(),
  server: provisionedServerSchema,
  limits: buildLimitsSchema.nullable().meta({ description: 'As ordered, then as last resized.' }),
  status: z.enum(SERVER_STATUSES),
  suspendedBy: z.object({ billing: z.boolean(), operator: z.boolean() }),
  billing: z.object({
    state: z.enum(['current', 'overdue']),
    suspendAt: isoTime().nullable(),
    deleteAt: isoTime().nullable(),
    warningLeadMs: int(),
    warned: z.object({ suspension: z.boolean(), deletion: z.boolean() }),
    next: z
      .object({ action: z.enum(['suspension_warning', 'suspend', 'deletion_warning', 'delete']), at: isoTime() })
      .nullable()
      .meta({ description: 'What the billing clock does next, and when; null while nothing is pending.' }),
  }),
  operations: z.array(
    z.object({
      operationId: z.string().nullable().meta({
        description: 'Its serverOperation run (GET /v1/orders/{id}/operations/{operationId}); null until it starts.',
      }),
      operation: z.enum(SERVER_OPERATIONS),
      requestedBy: z.string(),
      status: z.enum([...OPERATION_STATUSES, 'PENDING']),
      error: operationErrorSchema.nullable(),
      at: isoTime(),
    }),
  ),
  timeline: z.array(z.object({ at: isoTime(), status: z.enum(SERVER_STATUSES), detail: z.string() })),
  eventsSent: int(),
  createdAt: isoTime(),
  updatedAt: isoTime(),
  links: serverLinksSchema,
});

export const serverSummarySchema = z.object({
  orderId: z.string(),
  status: z.enum(SERVER_STATUSES).nullable(),
  tier: z.enum(TIERS).nullable(),
  userId: int().nullable(),
  node: int().nullable(),
  createdAt: isoTime(),
  closedAt: isoTime()
    .nullable()
    .meta({ description: 'When the entity ended (the server deleted, or the entity stopped by hand).' }),
  links: serverLinksSchema,
});

/** GET /v1/servers. */
export const serverPageSchema = z.object({
  servers: z.array(serverSummarySchema),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
});

export type ServerSchemasFit = AllFit<
  [
    Fits<ServerView, typeof serverViewSchema>,
    Fits<ServerSummary, typeof serverSummarySchema>,
    Fits<ServerPage, typeof serverPageSchema>,
  ]
>;
