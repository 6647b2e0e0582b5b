import type { SimContext } from '../context';
import type {
  AllocationRow,
  EggRow,
  EggVariableRow,
  LocationRow,
  NestRow,
  NodeWithUsageRow,
  ServerRow,
} from '../store/rows';
import type { Attributes } from './listing';

export function locationAttributes(row: LocationRow): Attributes {
  return { id: row.id, short: row.short, long: row.long, updated_at: row.updated_at, created_at: row.created_at };
}

export function nodeAttributes(row: NodeWithUsageRow): Attributes {
  return {
    id: row.id,
    uuid: row.uuid,
    public: row.public === 1,
    name: row.name,
    description: row.description,
    location_id: row.location_id,
    fqdn: row.fqdn,
    scheme: row.scheme,
    behind_proxy: row.behind_proxy === 1,
    maintenance_mode: row.maintenance_mode === 1,
    memory: row.memory,
    memory_overallocate: row.memory_overallocate,
    disk: row.disk,
    disk_overallocate: row.disk_overallocate,
    upload_size: row.upload_size,
    daemon_listen: row.daemon_listen,
    daemon_sftp: row.daemon_sftp,
    daemon_base: row.daemon_base,
    created_at: row.created_at,
    updated_at: row.updated_at,
    allocated_resources: { memory: row.sum_memory, disk: row.sum_disk },
  };
}

/** An allocation as the panel shows it. */
export interface AllocationAttributes {
  id: number;
  ip: string;
  alias: string | null;
  port: number;
  notes: string | null;
  assigned: boolean;
}

/** The panel's server object. */
export interface ServerAttributes {
  id: number;
  external_id: string | null;
  uuid: string;
  identifier: string;
  name: string;
  description: string;
  status: string | null;
  suspended: boolean;
  limits: {
    memory: number;
    swap: number;
    disk: number;
    io: number;
    cpu: number;
    threads: string | null;
    oom_disabled: boolean;
  };
  feature_limits: { databases: number | null; allocations: number | null; backups: number | null };
  user: number;
  node: number;
  allocation: number;
  nest: number;
  egg: number;
  container: { startup_command: string; image: string; installed: 0 | 1; environment: Record<string, unknown> };
  updated_at: string;
  created_at: string;
}

export function allocationAttributes(row: AllocationRow): AllocationAttributes {
  return {
    id: row.id,
    ip: row.ip,
    alias: row.ip_alias,
    port: row.port,
    notes: row.notes,
    assigned: row.server_id !== null,
  };
}

export function nestAttributes(row: NestRow): Attributes {
  return {
    id: row.id,
    uuid: row.uuid,
    author: row.author,
    name: row.name,
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function eggAttributes(row: EggRow): Attributes {
  const images = JSON.parse(row.docker_images) as Record<string, string>;
  return {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    nest: row.nest_id,
    author: row.author,
    description: row.description,
    docker_image: Object.values(images)[0] ?? '',
    docker_images: images,
    config: {
      files: {},
      startup: { done: ')! For help, type ' },
      stop: row.config_stop,
      logs: {},
      file_denylist: [],
      extends: null,
    },
    startup: row.startup,
    script: {
      privileged: true,
      install: '#!/bin/ash\n# simulated install script\n',
      entry: 'ash',
      container: 'ghcr.io/pterodactyl/installers:alpine',
      extends: null,
    },
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function eggVariableAttributes(row: EggVariableRow): Attributes {
  return {
    id: row.id,
    egg_id: row.egg_id,
    name: row.name,
    description: row.description,
    env_variable: row.env_variable,
    default_value: row.default_value,
    user_viewable: row.user_viewable === 1,
    user_editable: row.user_editable === 1,
    rules: row.rules,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function environment(ctx: SimContext, row: ServerRow): Record<string, unknown> {
  const stored = JSON.parse(row.environment) as Record<string, string | null>;
  const env: Record<string, unknown> = {};
  for (const variable of ctx.catalog.variablesOfEgg(row.egg_id)) {
    env[variable.env_variable] = stored[variable.env_variable] ?? variable.default_value;
  }
  const node = ctx.catalog.getNode(row.node_id);
  env.STARTUP = row.startup;
  env.P_SERVER_LOCATION = node ? (ctx.catalog.getLocation(node.location_id)?.short ?? null) : null;
  env.P_SERVER_UUID = row.uuid;
  env.P_SERVER_ALLOCATION_LIMIT = row.allocation_limit;
  return env;
}

function isInstalled(status: string | null): boolean {
  return status !== 'installing' && status !== 'install_failed';
}

/** The panel's server object; `status`/`suspended`/`installed` follow Server::isSuspended() and isInstalled(). */
export function serverAttributes(ctx: SimContext, row: ServerRow): ServerAttributes {
  return {
    id: row.id,
    external_id: row.external_id,
    uuid: row.uuid,
    identifier: row.uuid.slice(0, 8),
    name: row.name,
    description: row.description,
    status: row.status,
    suspended: row.status === 'suspended',
    limits: {
      memory: row.memory,
      swap: row.swap,
      disk: row.disk,
      io: row.io,
      cpu: row.cpu,
      threads: row.threads,
      oom_disabled: row.oom_disabled === 1,
    },
    feature_limits: { databases: row.database_limit, allocations: row.allocation_limit, backups: row.backup_limit },
    user: row.owner_id,
    node: row.node_id,
    allocation: row.allocation_id,
    nest: row.nest_id,
    egg: row.egg_id,
    container: {
      startup_command: row.startup,
      image: row.image,
      installed: isInstalled(row.status) ? 1 : 0,
      environment: environment(ctx, row),
    },
    updated_at: row.updated_at,
    created_at: row.created_at,
  };
}
