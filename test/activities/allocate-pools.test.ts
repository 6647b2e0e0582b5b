import { directServer, rejectionOf } from './panel-harness';
import { useAllocateRig } from './allocate-rig';

describe('allocate activity: breakers, pool re-reads and releases', () => {
  const rig = useAllocateRig();

  it('fails with ProviderCircuitOpen naming the node when the only node that fits has its breaker open', async () => {
    const node = await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31003 } });
    rig.flow.breakers.node(node).record(false);
    const err = await rejectionOf(rig.allocate('blocked'));
    expect(err).toMatchObject({
      type: 'ProviderCircuitOpen',
      details: [{ scope: 'node', nodeId: node, retryAfterMs: 5_000 }],
    });
    expect(err.message).toBe(`node ${node}'s circuit breaker is open; next probe in 5000 ms`);
    expect(rig.reservations.list()).toEqual([]);
  });

  it('passes over a node whose breaker is open to one that fits', async () => {
    const blocked = await rig.panel.addNode({ location_id: 2, memory: 64_000, ports: { start: 31000, end: 31003 } });
    const open = await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 32000, end: 32003 } });
    rig.flow.breakers.node(blocked).record(false);
    expect((await rig.allocate('around')).nodeId).toBe(open);
  });

  it("hands the half-open breaker's probe back: reserving is no call on the node", async () => {
    const node = await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31003 } });
    rig.flow.breakers.node(node).record(false);
    rig.advance(5_001);
    expect((await rig.allocate('probing')).nodeId).toBe(node);
    expect(rig.flow.breakers.node(node).admit()).toEqual({ allowed: true, probe: true });
  });

  it("re-reads the node's free allocations for a re-plan after a collision, not for a repeat", async () => {
    const node = await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31003 } });
    const slot = await rig.allocate('collided');
    const read = await rig.listings();
    await rig.allocate('collided');
    expect(await rig.listings()).toBe(read);
    const replanned = await rig.allocate('collided', [slot.allocationId]);
    expect(await rig.listings()).toBe(read + 1);
    expect(replanned).toMatchObject({ nodeId: node });
    expect(replanned.allocationId).not.toBe(slot.allocationId);
  });

  it('re-reads an empty pool of free allocations only after ten seconds', async () => {
    const node = await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31000 } });
    const [only] = await rig.freeOf(node);
    const occupant = await rig.panel.client().createServer(directServer('occupant', only.id));
    await expect(rig.allocate('early')).rejects.toMatchObject({ type: 'NoCapacity' });
    const read = await rig.listings();
    await rig.panel.client().deleteServer(occupant.id, { force: true });

    rig.advance(9_000);
    await expect(rig.allocate('still-early')).rejects.toMatchObject({ type: 'NoCapacity' });
    expect(await rig.listings()).toBe(read);
    rig.advance(2_000);
    expect(await rig.allocate('later')).toMatchObject({ nodeId: node, allocationId: only.id });
    expect(await rig.listings()).toBe(read + 1);
  });

  it('moves a re-plan to the next node, each node read once, when the held one has nothing else free', async () => {
    const held = await rig.panel.addNode({ location_id: 2, memory: 64_000, ports: { start: 31000, end: 31000 } });
    const next = await rig.panel.addNode({ location_id: 2, memory: 8_000, ports: { start: 32000, end: 32003 } });
    const slot = await rig.allocate('moving');
    expect(slot.nodeId).toBe(held);
    const read = await rig.listings();
    expect(await rig.allocate('moving', [slot.allocationId])).toMatchObject({ nodeId: next });
    expect(await rig.listings()).toBe(read + 2);
  });

  it('reuses a pool that still has free allocations until it expires', async () => {
    await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31003 } });
    await rig.allocate('pooled-a');
    const read = await rig.listings();
    rig.advance(60_000);
    await rig.allocate('pooled-b');
    expect(await rig.listings()).toBe(read);
  });

  it("releases the order's reservation when a re-plan finds nothing, and names what it looked for", async () => {
    await rig.panel.addNode({ location_id: 2, ports: { start: 31000, end: 31000 } });
    const slot = await rig.allocate('cornered');
    expect(rig.reservations.list()).toHaveLength(1);
    const err = await rejectionOf(rig.allocate('cornered', [slot.allocationId], [2, 7]));
    expect(err).toMatchObject({
      type: 'NoCapacity',
      nonRetryable: true,
      details: [{ locationIds: [2, 7], nodesConsidered: 1 }],
    });
    expect(err.message).toBe('no node in locations [2, 7] has 1024 MB memory, 1024 MB disk and a free allocation');
    expect(rig.reservations.list()).toEqual([]);
  });
});
