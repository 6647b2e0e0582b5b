import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { msNumberToTs } from '@temporalio/common/lib/time';
import pino from 'pino';
import { ProviderError, type PterodactylClient, type Server } from '../../src/provider';
import { ownExternalId } from '../../src/workflows/own-server';
import type { ServerEntityState, ServerStatus } from '../../src/workflows/server-entity-contract';

const LIMITS = { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100, threads: null, oom_disabled: true };

/** A panel server with our marker for `orderId` (or the given external_id), created at `createdAt` (ms). */
export function panelServer(id: number, orderId: string, overrides: Partial<Server> = {}, createdAt = 0): Server {
  return {
    id,
    external_id: ownExternalId(orderId),
    suspended: false,
    limits: LIMITS,
    created_at: new Date(createdAt).toISOString(),
    ...overrides,
  } as unknown as Server;
}

/** An entity's state as its query answers it: on `serverId`, in `status`, with its operations. */
export function entityState(
  orderId: string,
  serverId: number,
  status: ServerStatus = 'ACTIVE',
  operations: Array<{ status: string }> = [],
): ServerEntityState {
  return {
    orderId,
    externalId: ownExternalId(orderId),
    server: { id: serverId },
    status,
    limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 },
    operations,
  } as unknown as ServerEntityState;
}

/**
 * A stand-in for Temporal and the panel as the sweep sees them: the running entities and orders it lists (each
 * started at a time in ms), the entities' states, the workflows a direct read finds running, and the panel's servers.
 * Every read and update is recorded.
 */
export class ReconcileWorld {
  entities: Array<{ orderId: string; startedAt: number }> = [];
  orders: string[] = [];
  states = new Map<string, ServerEntityState | Error>();
  /** The answer of an entity's `reconcile` update (default: nothing queued), or the error it fails with. */
  answers = new Map<string, { queued: string[] } | Error>();
  running = new Set<string>();
  servers: Server[] = [];
  /** Servers a direct read finds that the listing did not show (made after the walk). */
  unlisted: Server[] = [];
  readonly queried: string[] = [];
  readonly described: string[] = [];
  readonly read: number[] = [];
  readonly told: Array<{ workflowId: string; args: unknown }> = [];
  readonly deleted: number[] = [];

  client(): Client {
    const listed = (query: string) =>
      query.includes('serverLifecycle')
        ? this.entities.map((e) => ({ id: `server-${e.orderId}`, at: e.startedAt }))
        : this.orders.map((orderId) => ({ id: `order-${orderId}`, at: 0 }));
    const notFound = (workflowId: string) => new WorkflowNotFoundError('not found', workflowId, undefined);
    return {
      options: { namespace: 'default' },
      workflowService: {
        listWorkflowExecutions: async ({ query }: { query: string }) => ({
          executions: listed(query).map(({ id, at }) => ({
            execution: { workflowId: id },
            startTime: msNumberToTs(at),
          })),
        }),
      },
      workflow: {
        getHandle: (workflowId: string) => ({
          query: async () => {
            this.queried.push(workflowId);
            const state = this.states.get(workflowId.replace(/^server-/, ''));
            if (state instanceof Error) throw state;
            if (!state) throw notFound(workflowId);
            return state;
          },
          describe: async () => {
            this.described.push(workflowId);
            if (!this.running.has(workflowId)) throw notFound(workflowId);
            return { status: { name: 'RUNNING' } };
          },
          executeUpdate: async (_update: unknown, { args }: { args: unknown[] }) => {
            this.told.push({ workflowId, args: args[0] });
            const answer = this.answers.get(workflowId.replace(/^server-/, '')) ?? { queued: [] };
            if (answer instanceof Error) throw answer;
            return answer;
          },
        }),
      },
    } as unknown as Client;
  }

  panel(): PterodactylClient {
    return {
      listServers: async () => ({ items: this.servers, pagination: { total_pages: 1 } }),
      getServer: async (id: number) => {
        this.read.push(id);
        const server = [...this.servers, ...this.unlisted].find((s) => s.id === id);
        if (!server)
          throw new ProviderError({
            kind: 'not_found',
            retryable: false,
            method: 'GET',
            path: `/servers/${id}`,
            detail: 'gone',
          });
        return server;
      },
      deleteServer: async (id: number) => {
        this.deleted.push(id);
        return 'already_gone';
      },
    } as unknown as PterodactylClient;
  }

  deps() {
    return { client: this.client(), panel: this.panel(), logger: pino({ level: 'silent' }) };
  }
}
