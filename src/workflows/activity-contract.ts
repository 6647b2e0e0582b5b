import type { Order, ProvisionedServer } from './contract';

/** A panel allocation reserved for one order on one node. */
export interface AllocatedSlot {
  allocationId: number;
  nodeId: number;
  ip: string;
  port: number;
}

export interface AllocateInput {
  order: Order;
  /** Allocations the panel already refused for this order (taken concurrently): never picked again. */
  excludeAllocationIds: number[];
}

export interface CreateInput {
  order: Order;
  slot: AllocatedSlot;
}

export interface CreateResult {
  server: ProvisionedServer;
  /** True when a server with the order's external_id already existed and was adopted instead of created. */
  adopted: boolean;
}

export interface InstallInput {
  orderId: string;
  serverId: number;
  /** How long this order's installation may take, counted from the first attempt (kept across retries). */
  deadlineMs: number;
}

export interface InstallResult {
  reinstalled: boolean;
  waitedMs: number;
}

export interface ConfigureInput {
  order: Order;
  serverId: number;
}

export interface ConfigureResult {
  updated: Array<'startup' | 'build'>;
}

export interface VerifyInput {
  order: Order;
  server: ProvisionedServer;
}

export interface ReleaseInput {
  orderId: string;
}

export interface ReleaseResult {
  released: number[];
}

export interface DeleteServerInput {
  orderId: string;
}

export interface DeleteServerResult {
  outcome: 'deleted' | 'force_deleted' | 'already_gone';
  serverId: number | null;
}

/** The activities of `provisionServer`; implemented by `createActivities` in src/activities. */
export interface ProvisioningActivities {
  allocate(input: AllocateInput): Promise<AllocatedSlot>;
  create(input: CreateInput): Promise<CreateResult>;
  install(input: InstallInput): Promise<InstallResult>;
  configure(input: ConfigureInput): Promise<ConfigureResult>;
  verify(input: VerifyInput): Promise<ProvisionedServer>;
  /** Compensation of allocate. */
  releaseAllocation(input: ReleaseInput): Promise<ReleaseResult>;
  /** Compensation of create: deletes the order's server (found by external_id), force if needed, confirmed by a 404. */
  deleteServer(input: DeleteServerInput): Promise<DeleteServerResult>;
}
