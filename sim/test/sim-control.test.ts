import { serverBody } from './helpers';
import type { ItemBody, ListBody, LivePanel } from './live';
import { json, startLive } from './live';

let live: LivePanel;
const call = (method: string, path: string, body?: object) => live.call(method, path, body);
const state = () => live.state();

describe('simulated panel: simulation control', () => {
  beforeEach(async () => {
    live = await startLive();
  });
  afterEach(async () => {
    await live.sim.close();
  });

  it('reports servers, allocations and calls per route in /_sim/state', async () => {
    await call('POST', '/servers', serverBody());
    await call('GET', '/servers/1');
    await call('GET', '/servers/external/abc');
    const snapshot = await state();
    expect(snapshot.servers[0]).toMatchObject({ id: 1, status: 'installing' });
    expect(snapshot.allocations.filter((a) => a.assigned)).toEqual([
      expect.objectContaining({ id: 1, server: 1, node: 1 }),
    ]);
    expect(snapshot.calls).toEqual({
      total: 3,
      rateLimited: 0,
      byRoute: { 'POST /servers': 1, 'GET /servers/{id}': 1, 'GET /servers/external/{external_id}': 1 },
    });
  });

  it('resets servers, ids, faults and counters to the seed', async () => {
    await call('POST', '/servers', serverBody());
    await live.setFaults({ latencyMs: 20 });
    expect((await live.control('/reset')).status).toBe(204);
    const snapshot = await state();
    expect(snapshot.servers).toEqual([]);
    expect(snapshot.allocations.some((a) => a.assigned)).toBe(false);
    expect(snapshot.faults.latencyMs).toBe(0);
    expect(snapshot.calls.total).toBe(0);
    expect((await json<ItemBody>(call('POST', '/servers', serverBody()))).attributes.id).toBe(1);
  });

  it('adds a node with allocations through /_sim/nodes', async () => {
    const res = await live.control('/nodes', { name: 'node-new', memory: 4096, ports: { start: 30000, end: 30059 } });
    expect(res.status).toBe(201);
    const node = (await json<ItemBody>(res)).attributes;
    expect(node).toMatchObject({ id: 3, name: 'node-new', memory: 4096, location_id: 1 });
    const allocations = await json<ListBody>(call('GET', `/nodes/${node.id}/allocations`));
    expect(allocations.meta.pagination.total).toBe(60);
    const bad = await live.control('/nodes', { location_id: 9 });
    expect(bad.status).toBe(400);
  });

  it('adds a panel user through /_sim/users that servers can then belong to', async () => {
    expect((await call('POST', '/servers', serverBody({ user: 4 }))).status).toBe(422);
    const res = await live.control('/users', { username: 'carol' });
    expect(res.status).toBe(201);
    expect(await json<object>(res)).toEqual({ id: 4, username: 'carol' });
    expect((await call('POST', '/servers', serverBody({ user: 4 }))).status).toBe(201);
  });
});
