import { z } from 'zod';
import { TIERS } from '../workflows/contract';
import { SERVER_STATUSES } from '../workflows/server-entity-contract';
import { OPERATION_STATUSES, SERVER_OPERATIONS } from '../workflows/server-operation-contract';
import { isoTime, provisionedServerSchema, type AllFit, type Fits } from './response-schemas';
import { operationErrorSchema } from './response-schemas-ops';
import type { ServerView } from './server-entities';

const int = () => z.number().int();

/** GET /v1/servers/:orderId and the 202 of POST /v1/servers/:orderId/billing. */
export const serverViewSchema = z.object({
  orderId: z.string(),
  userId: int(),
  tier: z.enum(TIERS),
  externalId: z.string(),
  server: provisionedServerSchema,
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
  links: z.object({ self: z.string(), order: z.string(), billing: z.string() }),
});

export type ServerSchemasFit = AllFit<[Fits<ServerView, typeof serverViewSchema>]>;
