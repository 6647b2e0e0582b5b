import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { api, FakeClock, newPanel, serverBody } from './helpers';

describe('simulated panel: persistence with dataDir', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sim-panel-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps servers, allocations, ids and pending installs across a restart', async () => {
    const clock = new FakeClock();
    const first = newPanel({ dataDir, installMs: 10_000 }, clock);
    const created = await api(first)
      .post('/servers', serverBody({ external_id: 'keep-1' }))
      .expect(201);
    await api(first)
      .post('/servers', serverBody({ allocation: { default: 2 } }))
      .expect(201);
    await api(first).delete('/servers/2').expect(204);
    await request(first.app).post('/_sim/nodes').send({ name: 'node-added' }).expect(201);
    first.close();
    expect(existsSync(join(dataDir, 'sim-panel.db'))).toBe(true);

    clock.advance(10_000);
    const second = newPanel({ dataDir, installMs: 10_000 }, clock);
    try {
      const found = await api(second).get('/servers/external/keep-1').expect(200);
      expect(found.body.attributes).toMatchObject({ id: 1, uuid: created.body.attributes.uuid, status: null });
      expect(
        second
          .state()
          .allocations.filter((a) => a.assigned)
          .map((a) => a.id),
      ).toEqual([1]);
      const nodes = await api(second).get('/nodes').expect(200);
      expect(nodes.body.data.map((n: { attributes: { name: string } }) => n.attributes.name)).toEqual([
        'node-1',
        'node-2',
        'node-added',
      ]);
      const next = await api(second)
        .post('/servers', serverBody({ allocation: { default: 3 } }))
        .expect(201);
      expect(next.body.attributes.id).toBe(3);
    } finally {
      second.close();
    }
  });

  it('starts from the seed in memory when no dataDir is given', async () => {
    const a = newPanel();
    await api(a).post('/servers', serverBody()).expect(201);
    a.close();
    const b = newPanel();
    try {
      expect(b.state().servers).toEqual([]);
    } finally {
      b.close();
    }
  });
});
