import { z } from 'zod';
import type { ConfigIssue } from '../config-error';
import { DEFAULT_FLOW_POLICY, type FlowPolicy } from '../workflows/flow-contract';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1500`, `1500ms`, `30s`, `5m`, `2h` as milliseconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)?$/, 'must be a duration such as 30s, 5m, 2h or milliseconds')
  .transform((v) => {
    const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v) ?? [];
    return Math.round(Number(n) * UNIT_MS[unit ?? 'ms']);
  })
  .pipe(
    z
      .number()
      .int()
      .min(1000, 'must be at least 1s')
      .max(7 * 24 * 3_600_000, 'must be at most 7 days'),
  );

const percent = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?%?$/, 'must be a percentage such as 10 or 10%')
  .transform((v) => Number(v.replace('%', '')) / 100)
  .pipe(z.number().max(0.9, 'must be at most 90%'));

const flowEnvSchema = z.object({
  PROVIDER_RATE_LIMIT: z.coerce.number().int('must be an integer').min(6).max(100_000).default(240),
  PROVIDER_RATE_RESERVE: percent.optional(),
  INSTALL_CHECK_INTERVAL: duration.optional(),
  QUEUE_MAX_WAIT_PREMIUM: duration.optional(),
  QUEUE_MAX_WAIT_STANDARD: duration.optional(),
  QUEUE_MAX_WAIT_FREE: duration.optional(),
  CAPACITY_WAIT_PREMIUM: duration.optional(),
  CAPACITY_WAIT_STANDARD: duration.optional(),
  CAPACITY_WAIT_FREE: duration.optional(),
});

export interface FlowConfig {
  /** The panel's rate limit per API key (requests per minute). */
  rateLimitPerMinute: number;
  /** Share of it kept free for other users of the key (0.1 = 10 %). */
  rateReserve: number;
  /** Interval of the batched install checks of each worker process. */
  installCheckMs: number;
  policy: FlowPolicy;
}

export const DEFAULT_INSTALL_CHECK_MS = 5000;

/** Reads the flow-control variables from `env` (empty already dropped); issues name the variable, never the value. */
export function loadFlowConfig(env: Record<string, string | undefined>): {
  config?: FlowConfig;
  issues: ConfigIssue[];
} {
  const parsed = flowEnvSchema.safeParse(env);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), reason: i.message })),
    };
  }
  const e = parsed.data;
  const d = DEFAULT_FLOW_POLICY;
  return {
    issues: [],
    config: {
      rateLimitPerMinute: e.PROVIDER_RATE_LIMIT,
      rateReserve: e.PROVIDER_RATE_RESERVE ?? 0.1,
      installCheckMs: e.INSTALL_CHECK_INTERVAL ?? DEFAULT_INSTALL_CHECK_MS,
      policy: {
        premium: {
          maxQueueWaitMs: e.QUEUE_MAX_WAIT_PREMIUM ?? d.premium.maxQueueWaitMs,
          capacityWaitMs: e.CAPACITY_WAIT_PREMIUM ?? d.premium.capacityWaitMs,
        },
        standard: {
          maxQueueWaitMs: e.QUEUE_MAX_WAIT_STANDARD ?? d.standard.maxQueueWaitMs,
          capacityWaitMs: e.CAPACITY_WAIT_STANDARD ?? d.standard.capacityWaitMs,
        },
        free: {
          maxQueueWaitMs: e.QUEUE_MAX_WAIT_FREE ?? d.free.maxQueueWaitMs,
          capacityWaitMs: e.CAPACITY_WAIT_FREE ?? d.free.capacityWaitMs,
        },
      },
    },
  };
}

export const DEFAULT_FLOW_CONFIG: FlowConfig = {
  rateLimitPerMinute: 240,
  rateReserve: 0.1,
  installCheckMs: DEFAULT_INSTALL_CHECK_MS,
  policy: DEFAULT_FLOW_POLICY,
};
