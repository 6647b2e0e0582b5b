import { z } from 'zod';
import { apiKeyInputSchema } from './http/api-keys';

export const simPanelOptionsSchema = z.object({
  apiKey: z.string().min(1, 'apiKey is required'),
  dataDir: z.string().min(1).optional(),
  installMs: z.number().int().min(0).default(2000),
  rateLimitPerMinute: z.number().int().min(1).default(240),
  seed: z.number().int().optional(),
  hangMs: z.number().int().min(1).default(120_000),
  apiKeys: z.array(apiKeyInputSchema).default([]),
});

/**
 * Options of a simulated panel. `installMs` (default 2000) and `rateLimitPerMinute` (default 240) are also the
 * fault defaults; `seed` makes fault and deploy randomness repeatable; `hangMs` (default 120 s) is how long a
 * simulated timeout holds the connection before dropping it; without `dataDir` the state lives in memory. `apiKey`
 * has every permission and belongs to user `admin`; `apiKeys` adds more (own user, permissions: see api-keys.ts).
 */
export type SimPanelOptions = z.input<typeof simPanelOptionsSchema>;
export type ResolvedSimPanelOptions = z.output<typeof simPanelOptionsSchema>;
