import { z } from 'zod';
import type { ReconcileStatus } from '../temporal-reconcile';
import { isoTime, type AllFit, type Fits } from './response-schemas';

const count = () => z.number().int().min(0);
const drift = z.object({
  field: z.enum(['suspended', 'limits']),
  entity: z.unknown(),
  panel: z.unknown(),
});

/** One sweep's report. */
export const reconcileReportSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  startedAt: isoTime(),
  finishedAt: isoTime(),
  policy: z.object({ strays: z.enum(['report', 'adopt', 'delete']), drift: z.enum(['report', 'correct']) }),
  panelServers: count(),
  ours: count().meta({
    description: 'Panel servers carrying our marker, or an earlier order\u2019s id an entity holds.',
  }),
  entities: count(),
  counts: z.object({ strays: count(), lost: count(), drift: count(), skipped: count() }),
  strays: z.array(
    z.object({
      serverId: z.number().int(),
      externalId: z.string(),
      orderId: z.string().nullable(),
      action: z.enum(['reported', 'adopted', 'deleted', 'failed']),
      detail: z.string(),
    }),
  ),
  lost: z.array(
    z.object({
      orderId: z.string(),
      serverId: z.number().int(),
      action: z.enum(['marked', 'failed']),
      detail: z.string(),
    }),
  ),
  drift: z.array(
    z.object({
      orderId: z.string(),
      serverId: z.number().int(),
      drift: z.array(drift),
      action: z.enum(['reported', 'corrected', 'failed']),
      detail: z.string(),
    }),
  ),
  webhook: z.enum(['not_needed', 'sent', 'not_configured', 'failed']),
});

/** GET /v1/reconciliation. */
export const reconcileStatusSchema = z.object({
  schedule: z
    .object({
      intervalMs: z.number().int().nullable(),
      paused: z.boolean(),
      nextRunAt: isoTime().nullable(),
    })
    .nullable()
    .meta({ description: 'null until a worker has created the Schedule.' }),
  running: z.object({ workflowId: z.string(), runId: z.string() }).nullable(),
  last: reconcileReportSchema.nullable().meta({ description: 'The newest finished sweep (findings: 100 per kind).' }),
});

/** The 202 of POST /v1/reconciliation/run. */
export const reconcileTriggerSchema = z.object({ triggered: z.literal(true) });

export type ReconcileSchemasFit = AllFit<
  [Fits<ReconcileStatus, typeof reconcileStatusSchema>, Fits<{ triggered: true }, typeof reconcileTriggerSchema>]
>;
