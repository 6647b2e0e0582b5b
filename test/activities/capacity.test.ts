import { createActivities } from '../../src/activities';
import { SMALL, smallOrder, useAllocateRig } from './allocate-rig';
import { activityDeps, callCount, runActivity } from './panel-harness';

describe('checkCapacity activity: whether an order fits somewhere now', () => {
  const rig = useAllocateRig();
  const check = (orderId: string, locationIds = [2]) => {
    const { checkCapacity } = createActivities(activityDeps(rig.panel, { flow: rig.flow }));
    return runActivity(checkCapacity, { order: smallOrder(orderId, locationIds) });
  };
  const nodeReads = async () => callCount(await rig.panel.state(), 'GET /nodes');
  const addNode = (input: Parameters<typeof rig.panel.addNode>[0] = {}) =>
    rig.panel.addNode({ location_id: 2, memory: 4_096, ports: { start: 31000, end: 31003 }, ...input });

  it('fits on a deployable node of its locations with room', async () => {
    expect(await check('none-yet')).toEqual({ fits: false, blockedByBreaker: false });
    rig.advance(60_000);
    await addNode();
    expect(await check('one-node')).toEqual({ fits: true, blockedByBreaker: false });
  });

  it('does not count a node of another location (1, with room), a private one or one in maintenance', async () => {
    await addNode({ public: false });
    await addNode({ maintenance_mode: true, ports: { start: 32000, end: 32003 } });
    expect(await check('nowhere')).toEqual({ fits: false, blockedByBreaker: false });
    expect(await check('in-location-1', [1])).toEqual({ fits: true, blockedByBreaker: false });
  });

  it("counts the other orders' reservations on the node, not the order's own", async () => {
    await addNode({ memory: SMALL.memory });
    const slot = await rig.allocate('holder');
    expect(slot.nodeId).toBeGreaterThan(0);
    expect(await check('second')).toEqual({ fits: false, blockedByBreaker: false });
    expect(await check('holder')).toEqual({ fits: true, blockedByBreaker: false });
  });

  it('says a breaker blocks it only when every node with room has its breaker open', async () => {
    const first = await addNode();
    const second = await addNode({ ports: { start: 32000, end: 32003 } });
    rig.flow.breakers.node(first).record(false);
    expect(await check('one-open')).toEqual({ fits: true, blockedByBreaker: false });
    rig.flow.breakers.node(second).record(false);
    expect(await check('both-open')).toEqual({ fits: false, blockedByBreaker: true });
  });

  it('reads the node list once per refresh interval, however many orders ask', async () => {
    await addNode();
    await Promise.all(['a', 'b', 'c'].map((id) => check(id)));
    await check('d');
    expect(await nodeReads()).toBe(1);
    rig.advance(rig.flow.capacityRefreshMs + 1);
    await check('e');
    expect(await nodeReads()).toBe(2);
  });
});
