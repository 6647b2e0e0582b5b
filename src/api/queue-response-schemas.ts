import { z } from 'zod';
import { WAITING_STATUSES } from '../workflows/contract';
import { TIERS } from '../workflows/flow-contract';
import type { QueueHistoryView } from './history-series';
import type { QueueOverview } from './queue-overview';
import { isoTime, type AllFit, type Fits } from './response-schemas';

const int = () => z.number().int();

const backlogStatsSchema = z.object({
  backlog: z.number(),
  oldestAgeSeconds: z.number(),
  addRatePerSecond: z.number(),
  dispatchRatePerSecond: z.number(),
  rateLimited: z.boolean(),
});
const taskQueueStatsSchema = backlogStatsSchema
  .extend({
    name: z.string(),
    kind: z.enum(['workflow', 'activity']),
    byPriority: z.record(z.string(), backlogStatsSchema),
    rateLimitPerSecond: z.number().nullable(),
  })
  .nullable();
const waitingCounts = Object.fromEntries(WAITING_STATUSES.map((s) => [s, int()])) as Record<
  (typeof WAITING_STATUSES)[number],
  z.ZodNumber
>;

const breakerState = z.enum(['closed', 'open', 'half_open']);
const resourceSchema = z.object({
  capacity: z.number(),
  allocated: z.number(),
  reserved: z.number(),
  free: z.number(),
});
const flowControlSchema = z.object({
  state: z.enum(['reporting', 'stale', 'not_started', 'unanswered']),
  updatedAt: isoTime().nullable().optional(),
  budget: z
    .object({
      limitPerMinute: z.number(),
      reserve: z.number(),
      ratePerMinute: z.number(),
      maxRatePerMinute: z.number(),
      callsLastMinute: int(),
      rateLimitedLastMinute: int(),
      panelLimit: z.number().nullable(),
      panelRemaining: z.number().nullable(),
      lastRateLimitedAt: isoTime().nullable(),
    })
    .optional(),
  breakers: z
    .array(
      z.object({
        scope: z.enum(['panel', 'node']),
        nodeId: int().nullable(),
        state: breakerState,
        failures: int(),
        openedAt: isoTime().nullable(),
        retryAt: isoTime().nullable(),
      }),
    )
    .optional(),
  nodes: z
    .array(
      z.object({
        nodeId: int(),
        name: z.string(),
        locationId: int(),
        excluded: z.boolean(),
        memory: resourceSchema,
        disk: resourceSchema,
        allocations: z.object({ free: int().nullable(), reserved: int() }),
        breaker: breakerState,
      }),
    )
    .optional(),
  processes: z.array(z.object({ identity: z.string(), reportedAt: isoTime(), ratePerMinute: z.number() })).optional(),
});

/** GET /v1/queue. */
export const queueOverviewSchema = z.object({
  generatedAt: isoTime(),
  census: z.object({
    state: z.enum(['fresh', 'stale', 'not_started', 'unanswered']),
    takenAt: isoTime().nullable(),
    ageSeconds: z.number().nullable(),
    intervalSeconds: z.number().nullable(),
    truncated: z.boolean(),
  }),
  backlog: z.object({
    total: int(),
    byTier: z.object(Object.fromEntries(TIERS.map((t) => [t, z.object({ ...waitingCounts, total: int() })]))),
    byStatus: z.object(waitingCounts),
  }),
  inProgress: z.object({ total: int(), byStatus: z.object({ PROVISIONING: int(), COMPENSATING: int() }) }),
  service: z.object({
    perOrderSeconds: z.number().nullable(),
    source: z.enum(['completions', 'provider-budget']).nullable(),
    windowSeconds: z.number(),
    completedInWindow: int(),
  }),
  limits: z.object({ maxInflightPerUser: int() }),
  flowControl: flowControlSchema,
  taskQueues: z.object({
    orders: z.object({ workflow: taskQueueStatsSchema, activity: taskQueueStatsSchema }),
    provider: taskQueueStatsSchema,
    planning: taskQueueStatsSchema,
  }),
});

export const queueHistorySchema = z.object({
  generatedAt: isoTime(),
  bucketSeconds: int(),
  window: z.object({ from: isoTime(), to: isoTime(), seconds: int() }),
  times: z.array(int()),
  series: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      unit: z.string(),
      windowSeconds: z.number(),
      source: z.string(),
      values: z.array(z.number().nullable()),
      points: int(),
    }),
  ),
});

export type QueueSchemasFit = AllFit<
  [Fits<QueueOverview, typeof queueOverviewSchema>, Fits<QueueHistoryView, typeof queueHistorySchema>]
>;
