import { createActivities } from '../../src/activities';
import { activitiesWithPanel, activityDeps, directServer, runActivity } from './panel-harness';
import { SMALL, smallOrder, useAllocateRig } from './allocate-rig';

describe('allocate activity: which node and allocation', () => {
  const rig = useAllocateRig();

  it('takes the node with the most room left, counting what its servers use, then the lowest id among equals', async () => {
    const crowded = await rig.panel.addNode({ location_id: 2, memory: 16_000, ports: { start: 31000, end: 31003 } });
    const [first] = await rig.freeOf(crowded);
    const big = { ...directServer('big', first.id), limits: { ...SMALL, memory: 12_000 } };
    await rig.panel.client().createServer(big);
    const roomy = await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 32000, end: 32003 } });
    expect((await rig.allocate('roomiest')).nodeId).toBe(roomy);

    await rig.panel.reset();
    const lower = await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 31000, end: 31003 } });
    await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 32000, end: 32003 } });
    rig.advance(60_000);
    expect((await rig.allocate('tie')).nodeId).toBe(lower);
  });

  it('breaks a tie by the lowest node id, in whatever order the panel lists the nodes', async () => {
    const lower = await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 31000, end: 31003 } });
    await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 32000, end: 32003 } });
    const client = rig.panel.client();
    const own = activitiesWithPanel(rig.panel, { listNodes: async () => (await client.listNodes()).reverse() });
    const slot = await runActivity(own.allocate, { order: smallOrder('reversed'), excludeAllocationIds: [] });
    expect(slot.nodeId).toBe(lower);
  });

  it('does not read the free allocations of a node without room for the order', async () => {
    await rig.panel.addNode({ location_id: 2, memory: 512, ports: { start: 31000, end: 31003 } });
    await expect(rig.allocate('too-big')).rejects.toMatchObject({ type: 'NoCapacity' });
    expect(await rig.listings()).toBe(0);
  });

  it('gives the room of a node to one of two orders racing for it', async () => {
    await rig.panel.addNode({ location_id: 2, memory: 1_024, ports: { start: 31000, end: 31003 } });
    const outcomes = await Promise.allSettled([rig.allocate('racer-a'), rig.allocate('racer-b')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(rig.reservations.list()).toHaveLength(1);
  });

  it('spreads orders of separate processes over the first free allocations', async () => {
    const node = await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31039 } });
    const firstSixteen = (await rig.freeOf(node)).slice(0, 16).map((a) => a.id);
    const picks: number[] = [];
    for (const orderId of ['spread-a', 'spread-b', 'spread-c', 'spread-d', 'spread-e', 'spread-f']) {
      const own = createActivities(activityDeps(rig.panel));
      const slot = await runActivity(own.allocate, { order: smallOrder(orderId), excludeAllocationIds: [] });
      picks.push(slot.allocationId);
    }
    expect(new Set(picks).size).toBeGreaterThanOrEqual(4);
    for (const pick of picks) expect(firstSixteen).toContain(pick);
  });

  it("keeps an order's reservation on its node when a roomier node appears before the repeat", async () => {
    const before = await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 31000, end: 31003 } });
    const slot = await rig.allocate('held');
    await rig.panel.addNode({ location_id: 2, memory: 64_000, ports: { start: 32000, end: 32003 } });
    rig.advance(60_000);
    expect(await rig.allocate('held')).toEqual(slot);
    expect(slot.nodeId).toBe(before);
    expect((await rig.allocate('newcomer')).nodeId).not.toBe(before);
  });

  it('keeps the allocation it holds when the pool of free allocations changed under it', async () => {
    const node = await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31039 } });
    const slot = await rig.allocate('steady');
    for (const [i, a] of (await rig.freeOf(node))
      .filter((a) => a.id !== slot.allocationId)
      .slice(0, 7)
      .entries())
      await rig.panel.client().createServer(directServer(`shift-${i}`, a.id));
    rig.advance(6 * 60_000);
    expect(await rig.allocate('steady')).toEqual(slot);
  });

  it("answers with the node's alias as the address when the allocation has one", async () => {
    await rig.panel.addNode({
      location_id: 2,
      ip: '10.9.8.7',
      ip_alias: 'play.example.net',
      ports: { start: 31000, end: 31000 },
    });
    expect(await rig.allocate('aliased')).toMatchObject({ ip: 'play.example.net', port: 31000 });
  });
});
