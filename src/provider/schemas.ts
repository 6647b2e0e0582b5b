import { z } from 'zod';

const timestamp = z.string().min(1);

const item = <T extends z.ZodType>(object: string, attributes: T) =>
  z.object({ object: z.literal(object), attributes });

export const paginationSchema = z.object({
  total: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  per_page: z.number().int().positive(),
  current_page: z.number().int().positive(),
  total_pages: z.number().int().nonnegative(),
});

/** A Pterodactyl list response: `{ object: "list", data: [{ object, attributes }], meta: { pagination } }`. */
export const listOf = <T extends z.ZodType>(object: string, attributes: T) =>
  z.object({
    object: z.literal('list'),
    data: z.array(item(object, attributes)),
    meta: z.object({ pagination: paginationSchema }),
  });

/** An unpaginated collection (a relationship or a collection endpoint such as a nest's eggs): `{ object: "list", data }`. */
export const collectionOf = <T extends z.ZodType>(object: string, attributes: T) =>
  z.object({ object: z.literal('list'), data: z.array(item(object, attributes)) });

export const itemOf = item;

export const serverLimitsSchema = z.object({
  memory: z.number().int(),
  swap: z.number().int(),
  disk: z.number().int(),
  io: z.number().int(),
  cpu: z.number().int(),
  threads: z.string().nullable(),
  oom_disabled: z.boolean(),
});

export const featureLimitsSchema = z.object({
  databases: z.number().int().nullable(),
  allocations: z.number().int().nullable(),
  backups: z.number().int().nullable(),
});

/** Known values of `server.status`; `null` means installed and running normally. */
export const KNOWN_SERVER_STATUSES = [
  'installing',
  'install_failed',
  'reinstall_failed',
  'suspended',
  'restoring_backup',
] as const;

export const serverSchema = z.object({
  id: z.number().int(),
  external_id: z.string().nullable(),
  uuid: z.string().min(1),
  identifier: z.string().min(1),
  name: z.string(),
  description: z.string().nullable(),
  status: z.string().nullable(),
  suspended: z.boolean(),
  limits: serverLimitsSchema,
  feature_limits: featureLimitsSchema,
  user: z.number().int(),
  node: z.number().int(),
  allocation: z.number().int(),
  nest: z.number().int(),
  egg: z.number().int(),
  container: z.object({
    startup_command: z.string(),
    image: z.string(),
    installed: z.union([z.boolean(), z.number().int()]).transform((v) => v === true || v === 1),
    environment: z.record(z.string(), z.unknown()),
  }),
  created_at: timestamp,
  updated_at: timestamp,
});

export const nodeSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  location_id: z.number().int(),
  fqdn: z.string().optional(),
  public: z.boolean(),
  maintenance_mode: z.boolean(),
  memory: z.number().int(),
  memory_overallocate: z.number().int(),
  disk: z.number().int(),
  disk_overallocate: z.number().int(),
  allocated_resources: z.object({ memory: z.number().int(), disk: z.number().int() }),
});

export const allocationSchema = z.object({
  id: z.number().int(),
  ip: z.string().min(1),
  alias: z.string().nullable(),
  port: z.number().int(),
  notes: z.string().nullable(),
  assigned: z.boolean(),
});

export const locationSchema = z.object({
  id: z.number().int(),
  short: z.string(),
  long: z.string().nullable(),
});

export const nestSchema = z.object({
  id: z.number().int(),
  uuid: z.string(),
  author: z.string(),
  name: z.string(),
  description: z.string().nullable(),
});

export const eggVariableSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  env_variable: z.string().min(1),
  default_value: z.string().nullable(),
  user_viewable: z.boolean().optional(),
  user_editable: z.boolean().optional(),
  rules: z.string(),
});

export const eggSchema = z.object({
  id: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  nest: z.number().int(),
  description: z.string().nullable(),
  docker_image: z.string(),
  startup: z.string(),
});

export const eggWithVariablesSchema = eggSchema
  .extend({
    relationships: z.object({
      variables: collectionOf('egg_variable', eggVariableSchema),
    }),
  })
  .transform(({ relationships, ...egg }) => ({
    ...egg,
    variables: relationships.variables.data.map((v) => v.attributes),
  }));

export type Pagination = z.infer<typeof paginationSchema>;
export type Server = z.infer<typeof serverSchema>;
export type ServerLimits = z.infer<typeof serverLimitsSchema>;
export type FeatureLimits = z.infer<typeof featureLimitsSchema>;
export type KnownServerStatus = (typeof KNOWN_SERVER_STATUSES)[number];
export type PanelNode = z.infer<typeof nodeSchema>;
export type Allocation = z.infer<typeof allocationSchema>;
export type Location = z.infer<typeof locationSchema>;
export type Nest = z.infer<typeof nestSchema>;
export type EggVariable = z.infer<typeof eggVariableSchema>;
export type Egg = z.infer<typeof eggSchema>;
export type EggWithVariables = z.output<typeof eggWithVariablesSchema>;

/** One page of a list call, with the panel's pagination metadata. */
export interface Page<T> {
  items: T[];
  pagination: Pagination;
}
