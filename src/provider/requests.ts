import { z } from 'zod';

const environment = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const limitsBodySchema = z.object({
  memory: z.number().int().min(0),
  swap: z.number().int().min(-1),
  disk: z.number().int().min(0),
  io: z.number().int().min(10).max(1000),
  cpu: z.number().int().min(0),
  threads: z.string().nullable().optional(),
});

export const featureLimitsBodySchema = z.object({
  databases: z.number().int().min(0),
  allocations: z.number().int().min(0),
  backups: z.number().int().min(0),
});

const serverCommon = z.object({
  name: z.string().min(1).max(191),
  user: z.number().int(),
  egg: z.number().int(),
  docker_image: z.string().min(1),
  startup: z.string().min(1),
  environment,
  limits: limitsBodySchema,
  feature_limits: featureLimitsBodySchema,
  external_id: z.string().min(1).max(191).optional(),
  description: z.string().optional(),
  skip_scripts: z.boolean().optional(),
  oom_disabled: z.boolean().optional(),
  start_on_completion: z.boolean().optional(),
});

/** Explicit placement: `default` and every `additional` allocation must exist and be unassigned. */
export const allocationPlacementSchema = z.object({
  default: z.number().int(),
  additional: z.array(z.number().int()).optional(),
});

/** Automatic placement by the panel; fails with 400 NoViable*Exception when nothing fits. */
export const deployPlacementSchema = z.object({
  locations: z.array(z.number().int()).min(1),
  dedicated_ip: z.boolean().optional(),
  port_range: z.array(z.string()).optional(),
});

/** Body of `POST /servers`: placement is either `allocation` or `deploy`, never both. */
export const createServerBodySchema = z.union([
  serverCommon.extend({ allocation: allocationPlacementSchema, deploy: z.undefined().optional() }),
  serverCommon.extend({ deploy: deployPlacementSchema, allocation: z.undefined().optional() }),
]);

export const updateDetailsBodySchema = z.object({
  name: z.string().min(1).max(191),
  user: z.number().int(),
  external_id: z.string().max(191).nullable().optional(),
  description: z.string().optional(),
});

export const updateBuildBodySchema = z.object({
  allocation: z.number().int(),
  limits: limitsBodySchema,
  feature_limits: featureLimitsBodySchema,
  add_allocations: z.array(z.number().int()).optional(),
  remove_allocations: z.array(z.number().int()).optional(),
  oom_disabled: z.boolean().optional(),
});

export const updateStartupBodySchema = z.object({
  startup: z.string().min(1),
  environment,
  egg: z.number().int(),
  image: z.string().min(1),
  skip_scripts: z.boolean(),
});

export type CreateServerBody = z.input<typeof createServerBodySchema>;
export type UpdateDetailsBody = z.input<typeof updateDetailsBodySchema>;
export type UpdateBuildBody = z.input<typeof updateBuildBodySchema>;
export type UpdateStartupBody = z.input<typeof updateStartupBodySchema>;
export type LimitsBody = z.input<typeof limitsBodySchema>;
export type FeatureLimitsBody = z.input<typeof featureLimitsBodySchema>;

export interface PageOptions {
  page?: number;
  perPage?: number;
}

/** `filter[...]` values for `GET /nodes/{id}/allocations`. */
export interface AllocationFilter {
  ip?: string;
  port?: number | string;
  ip_alias?: string;
  /** A server id, or 0 for allocations assigned to no server. */
  server_id?: number;
}

/** `filter[...]` values for `GET /servers`; the panel matches them as case-insensitive substrings. */
export interface ServerFilter {
  external_id?: string;
  name?: string;
  description?: string;
  uuid?: string;
  uuidShort?: string;
  image?: string;
}
