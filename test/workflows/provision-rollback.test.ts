import type { PterodactylClient, Server } from '../../src/provider';
import { callCount, paperOrder } from '../activities/panel-harness';
import { activities, activityTypes } from './history';
import { runOrder, statuses, useWorkflowHarness, type WorkflowHarness } from './harness';

type ServerInput = { input: { serverId: number } };

const featuresOf = ({ feature_limits: f }: Server) => ({
  databases: f.databases ?? 0,
  allocations: f.allocations ?? 0,
  backups: f.backups ?? 0,
});

const limitsOf = ({ limits }: Server) => ({
  memory: limits.memory,
  swap: limits.swap,
  disk: limits.disk,
  io: limits.io,
  cpu: limits.cpu,
});

/** Sets the server's memory to 1024 MB behind the order's back, so configure must PATCH its build. */
async function driftMemory(client: PterodactylClient, serverId: number): Promise<Server> {
  const server = await client.getServer(serverId);
  return client.updateBuild(serverId, {
    allocation: server.allocation,
    limits: { ...limitsOf(server), memory: 1024 },
    feature_limits: featuresOf(server),
  });
}

describe('provisionServer: failures at configure and in the rollback', () => {
  let h: WorkflowHarness;
  useWorkflowHarness((started) => (h = started));

  it('ends FAILED at configure when the panel refuses the build, deleting the server and freeing its allocations', async () => {
    const client = h.panel.client();
    const { state, history, sim, reservations } = await runOrder(h, paperOrder('configure-refused'), {
      hooks: {
        install: async ({ attempt, input }: { attempt: number } & ServerInput) => {
          if (attempt === 1) await driftMemory(client, input.serverId);
        },
        configure: async ({ input }: ServerInput) => {
          // An operator moves the server to another allocation: the build configure sends names the old one.
          const server = await client.getServer(input.serverId);
          const free = (await h.panel.state()).allocations.find((a) => a.node === server.node && a.server === null);
          await client.updateBuild(input.serverId, {
            allocation: free!.id,
            add_allocations: [free!.id],
            remove_allocations: [server.allocation],
            limits: limitsOf(server),
            feature_limits: featuresOf(server),
          });
        },
      },
    });
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'configure', type: 'PanelBadRequest' },
      compensationErrors: [],
    });
    expect(statuses(state).slice(-3)).toEqual(['CONFIGURING', 'COMPENSATING', 'FAILED']);
    expect(activityTypes(history)).toEqual([
      'allocate',
      'create',
      'install',
      'configure',
      'deleteServer',
      'releaseAllocation',
    ]);
    expect(activities(history).find((a) => a.type === 'configure')).toMatchObject({ attempt: 1, outcome: 'failed' });
    expect(callCount(sim, 'PATCH /servers/{id}/build')).toBe(3);
    expect(sim.servers).toEqual([]);
    expect(sim.allocations.filter((a) => a.server !== null)).toEqual([]);
    expect(reservations).toEqual([]);
  });

  it('ends FAILED with ServerGone when the server vanished before configure patched it, with nothing to delete', async () => {
    const client = h.panel.client();
    const { state, history, sim, reservations } = await runOrder(h, paperOrder('configure-gone'), {
      hooks: {
        install: async ({ attempt, input }: { attempt: number } & ServerInput) => {
          if (attempt === 1) await driftMemory(client, input.serverId);
        },
        configure: async ({ input }: ServerInput) => {
          await client.deleteServer(input.serverId, { force: true });
        },
      },
    });
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'configure', type: 'ServerGone' },
      compensationErrors: [],
    });
    expect(activityTypes(history).slice(-3)).toEqual(['configure', 'deleteServer', 'releaseAllocation']);
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
  });

  it('finishes the rollback when the DELETE answer is lost: confirmed gone, never forced', async () => {
    await h.panel.faults({ installFailRate: 1 });
    const { state, history, sim, reservations } = await runOrder(h, paperOrder('delete-answer-lost'), {
      hooks: {
        deleteServer: async ({ attempt }: { attempt: number }) => {
          if (attempt > 1) return;
          await h.panel.faults({ installFailRate: 1, deleteTimeoutButSucceedsRate: 1 });
          return () => h.panel.faults({});
        },
      },
    });
    expect(state).toMatchObject({ status: 'FAILED', error: { step: 'install' }, compensationErrors: [] });
    expect(activities(history).find((a) => a.type === 'deleteServer')).toMatchObject({
      attempt: 1,
      outcome: 'completed',
    });
    expect(callCount(sim, 'DELETE /servers/{id}')).toBe(1);
    expect(callCount(sim, 'DELETE /servers/{id}/force')).toBe(0);
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
  });
});
