import { z } from 'zod';
import { BULK_ACTIONS } from '../workflows/bulk-contract';
import { PARKED_REASONS, TIERS } from '../workflows/contract';
import { SERVER_STATUSES } from '../workflows/server-entity-contract';
import type { BulkView } from './bulk';
import { isoTime, type AllFit, type Fits } from './response-schemas';

const count = () => z.number().int().min(0);

/** GET /v1/bulk/:id and the 202 of POST /v1/bulk. */
export const bulkViewSchema = z.object({
  bulkId: z.string(),
  action: z.enum(BULK_ACTIONS),
  filter: z.object({
    userId: z.number().int().optional(),
    tier: z.enum(TIERS).optional(),
    node: z.number().int().optional(),
    status: z.enum(SERVER_STATUSES).optional(),
    parkedReason: z.enum(PARKED_REASONS).optional(),
  }),
  requestedBy: z.string(),
  status: z.enum(['LISTING', 'RUNNING', 'COMPLETED', 'CANCELLED']),
  total: count().meta({ description: 'Targets the filter found (0 while LISTING).' }),
  done: count(),
  skipped: count().meta({ description: 'Targets that no longer matched when their turn came.' }),
  failed: count(),
  failures: z.array(z.object({ orderId: z.string(), reason: z.string() })),
  truncated: z.boolean().meta({ description: 'The filter matched more than 10 000 targets; the first were taken.' }),
  startedAt: isoTime(),
  updatedAt: isoTime(),
  finishedAt: isoTime().nullable(),
  links: z.object({ self: z.string(), cancel: z.string() }),
});

/** The 202 of POST /v1/bulk/:id/cancel. */
export const bulkCancelSchema = z.object({ bulkId: z.string(), cancelRequested: z.literal(true) });

export type BulkSchemasFit = AllFit<
  [Fits<BulkView, typeof bulkViewSchema>, Fits<{ bulkId: string; cancelRequested: true }, typeof bulkCancelSchema>]
>;
