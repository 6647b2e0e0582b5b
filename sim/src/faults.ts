import { z } from 'zod';
import type { Rng } from './rng';

const rate = z.number().min(0).max(1);

export const faultInputSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  errorRate: rate.optional(),
  timeoutRate: rate.optional(),
  createTimeoutButSucceedsRate: rate.optional(),
  deleteTimeoutButSucceedsRate: rate.optional(),
  createDelayMs: z.number().int().min(0).max(60_000).optional(),
  installMs: z.number().int().min(0).max(86_400_000).optional(),
  installFailRate: rate.optional(),
  outage: z.boolean().optional(),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  seed: z.number().int().optional(),
});

export type FaultInput = z.infer<typeof faultInputSchema>;

/** The active fault settings; every field has a value (defaults fill what was not given). */
export type FaultSettings = Required<Omit<FaultInput, 'seed'>>;

export interface FaultController {
  current(): FaultSettings;
  /** Replaces all settings: fields absent from `input` return to their defaults. */
  replace(input: FaultInput): FaultSettings;
  /** True with probability `probability`, drawn from the seeded source. */
  roll(probability: number): boolean;
}

export function createFaultController(
  defaults: { installMs: number; rateLimitPerMinute: number },
  rng: Rng,
): FaultController {
  const base: FaultSettings = {
    latencyMs: 0,
    errorRate: 0,
    timeoutRate: 0,
    createTimeoutButSucceedsRate: 0,
    deleteTimeoutButSucceedsRate: 0,
    createDelayMs: 0,
    installMs: defaults.installMs,
    installFailRate: 0,
    outage: false,
    rateLimitPerMinute: defaults.rateLimitPerMinute,
  };
  let settings: FaultSettings = { ...base };
  return {
    current: () => ({ ...settings }),
    replace(input) {
      const { seed, ...rest } = input;
      if (seed !== undefined) rng.reseed(seed);
      settings = { ...base, ...rest };
      return { ...settings };
    },
    roll: (probability) => probability > 0 && rng.next() < probability,
  };
}
