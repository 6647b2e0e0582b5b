import type { ApplyBuildInput } from '../../src/workflows/activity-contract';
import { callCount, directServer, serversOf } from '../activities/panel-harness';
import { ownExternalId } from '../../src/workflows/own-server';
import { sparedNote } from '../../src/workflows/rollback-inputs';
import { placeForeignServer, touchable, touchableAll } from '../activities/foreign-servers';
import { activityTypes, recordHistory } from './history';
import { useLifecycleHarness, type LifecycleHarness } from './lifecycle-harness';

const ORDERED = { memory: 2048, swap: 0, disk: 10_240, io: 500, cpu: 200 };
const BIGGER = { memory: 4096, swap: 512, disk: 20_480, io: 600, cpu: 300 };
const limitsOf = (server: { limits: Record<string, unknown> } | undefined) => {
  const { memory, swap, disk, io, cpu } = server?.limits ?? {};
  return { memory, swap, disk, io, cpu };
};

describe('serverOperation: resize and delete', () => {
  let l: LifecycleHarness;
  useLifecycleHarness((harness) => {
    l = harness;
  });

  it('resizes with one PATCH, verified; the same resize again sends none', async () => {
    const serverId = (await l.provision('op-resize')).server!.id;
    const before = callCount(await l.sim(), 'PATCH /servers/{id}/build');
    const first = await l.operate({ orderId: 'op-resize', serverId, operation: 'resize', build: BIGGER });
    expect(first.state).toMatchObject({
      status: 'COMPLETED',
      changed: true,
      rolledBack: false,
      build: { previous: ORDERED, requested: BIGGER },
    });
    expect(activityTypes(first.history)).toEqual(['readBuild', 'applyBuild', 'verifyBuild']);
    const again = await l.operate({ orderId: 'op-resize', serverId, operation: 'resize', build: BIGGER });
    expect(again.state).toMatchObject({ status: 'COMPLETED', changed: false, build: { previous: BIGGER } });
    const sim = await l.sim();
    expect(callCount(sim, 'PATCH /servers/{id}/build') - before).toBe(1);
    expect(limitsOf(serversOf(sim, 'op-resize')[0])).toEqual(BIGGER);
  });

  it('restores the previous build and ends FAILED when the new build cannot be verified', async () => {
    const serverId = (await l.provision('op-resize-drift')).server!.id;
    l.hooks.verifyBuild = async ({ attempt, input }: { attempt: number; input: ApplyBuildInput }) => {
      if (attempt > 1) return;
      const server = await l.h.panel.client().getServer(input.serverId);
      await l.h.panel.client().updateBuild(input.serverId, {
        allocation: server.allocation,
        limits: { ...BIGGER, memory: 3000 },
        feature_limits: { databases: 1, backups: 2, allocations: 1 },
      });
    };
    const { state, history } = await l.operate({
      orderId: 'op-resize-drift',
      serverId,
      operation: 'resize',
      build: BIGGER,
    });
    recordHistory('operation-resize-rolled-back', history);
    expect(state).toMatchObject({
      status: 'FAILED',
      rolledBack: true,
      compensationErrors: [],
      error: { step: 'verify', type: 'VerificationFailed' },
    });
    expect(state.error?.message).toMatch(/memory is 3000, expected 4096/);
    expect(activityTypes(history)).toEqual(['readBuild', 'applyBuild', 'verifyBuild', 'applyBuild']);
    expect(state.timeline.map((t) => t.status)).toEqual(expect.arrayContaining(['ROLLING_BACK', 'FAILED']));
    expect(limitsOf(serversOf(await l.sim(), 'op-resize-drift')[0])).toEqual(ORDERED);
  });

  it("ends FAILED with the panel's reason when it refuses the build, leaving the server as it was", async () => {
    const serverId = (await l.provision('op-resize-refused')).server!.id;
    const { state } = await l.operate({
      orderId: 'op-resize-refused',
      serverId,
      operation: 'resize',
      build: { ...BIGGER, io: 5 },
    });
    expect(state).toMatchObject({
      status: 'FAILED',
      rolledBack: true,
      error: { step: 'apply', type: 'PanelValidation' },
    });
    expect(limitsOf(serversOf(await l.sim(), 'op-resize-refused')[0])).toEqual(ORDERED);
  });

  it('deletes the server, confirmed gone, releases the reservation; a second delete finds nothing to do', async () => {
    const order = await l.provision('op-delete');
    const serverId = order.server!.id;
    l.reservations.reserve({ allocationId: 999, nodeId: order.server!.node, orderId: 'op-delete', memory: 1, disk: 1 });
    const first = await l.operate({ orderId: 'op-delete', serverId, operation: 'delete' });
    expect(first.state).toMatchObject({
      status: 'COMPLETED',
      changed: true,
      deprovisioned: true,
      released: [999],
      deleted: { outcome: 'deleted', serverId },
    });
    expect(activityTypes(first.history)).toEqual(['deleteServer', 'releaseAllocation']);
    let sim = await l.sim();
    expect(sim.servers.filter((s) => s.id === serverId)).toEqual([]);
    expect(sim.allocations.find((a) => a.id === order.server!.allocation.id)).toMatchObject({ server: null });
    expect(l.reservations.heldBy('op-delete')).toBeUndefined();

    const again = await l.operate({ orderId: 'op-delete', serverId, operation: 'delete' });
    expect(again.state).toMatchObject({
      status: 'COMPLETED',
      changed: false,
      deprovisioned: true,
      deleted: { outcome: 'already_gone' },
    });
    sim = await l.sim();
    expect(callCount(sim, 'DELETE /servers/{id}')).toBe(1);
  });

  it("deletes a server the order never recorded (found by its own-server marker, the order's user's)", async () => {
    const free = (await l.sim()).allocations.find((a) => a.server === null && a.node === 1)!;
    await l.h.panel.client().createServer({ ...directServer(ownExternalId('op-delete-leftover'), free.id), user: 2 });
    const { state } = await l.operate({ orderId: 'op-delete-leftover', serverId: null, operation: 'delete' });
    expect(state).toMatchObject({ status: 'COMPLETED', deprovisioned: true, deleted: { outcome: 'deleted' } });
    expect(serversOf(await l.sim(), 'op-delete-leftover')).toEqual([]);
  });

  it('deletes the recorded server only, never a foreign one holding the bare orderId', async () => {
    const serverId = (await l.provision('op-delete-own')).server!.id;
    const foreign = await placeForeignServer(l.h.panel, 'op-delete-own', { user: 2, name: 'order op-delete-own' });
    const before = touchable(await l.sim(), foreign);
    const { state } = await l.operate({ orderId: 'op-delete-own', serverId, operation: 'delete' });
    const sim = await l.sim();
    expect(touchable(sim, foreign)).toEqual(before);
    expect(state).toMatchObject({ status: 'COMPLETED', deleted: { outcome: 'deleted', serverId } });
    expect(serversOf(sim, 'op-delete-own')).toEqual([]);
  });

  it("spares foreign servers under the order's orderId and exact marker when it recorded no server", async () => {
    const foreign = [
      await placeForeignServer(l.h.panel, 'op-delete-none', { user: 2 }),
      await placeForeignServer(l.h.panel, ownExternalId('op-delete-none')),
    ];
    const before = touchableAll(await l.sim(), foreign);
    const { state } = await l.operate({ orderId: 'op-delete-none', serverId: null, operation: 'delete' });
    expect(touchableAll(await l.sim(), foreign)).toEqual(before);
    expect(state).toMatchObject({
      status: 'COMPLETED',
      changed: false,
      deleted: { outcome: 'already_gone', serverId: null, sparedServerId: foreign[1] },
    });
    expect(state.timeline.map((t) => t.detail)).toContain(sparedNote(foreign[1]));
  });
});
