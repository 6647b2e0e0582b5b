import type { SimPanel } from '../src';
import { panelCollationKey } from '../src/store/collation';
import type { PanelErrorBody } from './helpers';
import { api, errorFields, newPanel, serverBody } from './helpers';

describe('simulated panel: external_id compares as utf8mb4_unicode_ci', () => {
  let panel: SimPanel;
  beforeEach(() => {
    panel = newPanel();
  });
  afterEach(() => panel.close());

  it('refuses Case-A, case-a and "Case-A " as one external_id (422 unique)', async () => {
    await api(panel)
      .post('/servers', serverBody({ external_id: 'Case-A' }))
      .expect(201);
    for (const [externalId, allocation] of [
      ['case-a', 2],
      ['CASE-A', 3],
      ['Case-A ', 4],
    ] as const) {
      const res = await api(panel)
        .post('/servers', serverBody({ external_id: externalId, allocation: { default: allocation } }))
        .expect(422);
      expect(errorFields(res.body as PanelErrorBody)).toEqual([['external_id', 'unique']]);
    }
    await api(panel)
      .post('/servers', serverBody({ external_id: 'Case-B', allocation: { default: 5 } }))
      .expect(201);
    expect(panel.state().servers.map((s) => s.external_id)).toEqual(['Case-A', 'Case-B']);
  });

  it('finds the server under every spelling that collates equal, and only those', async () => {
    await api(panel)
      .post('/servers', serverBody({ external_id: 'Case-A' }))
      .expect(201);
    for (const spelling of ['Case-A', 'case-a', 'CASE-A', 'Case-A%20', 'case-a%20%20']) {
      const res = await api(panel).get(`/servers/external/${spelling}`).expect(200);
      expect(res.body.attributes).toMatchObject({ id: 1, external_id: 'Case-A' });
    }
    await api(panel).get('/servers/external/Case-A-').expect(404);
    await api(panel).get('/servers/external/%20Case-A').expect(404);
  });

  it('refuses a PATCH details that would collide with another server under the collation', async () => {
    await api(panel)
      .post('/servers', serverBody({ external_id: 'first' }))
      .expect(201);
    await api(panel)
      .post('/servers', serverBody({ external_id: 'second', allocation: { default: 2 } }))
      .expect(201);
    const res = await api(panel)
      .patch('/servers/2/details', { name: 'second', user: 1, external_id: 'FIRST' })
      .expect(422);
    expect(errorFields(res.body as PanelErrorBody)).toEqual([['external_id', 'unique']]);
    await api(panel).patch('/servers/1/details', { name: 'first', user: 1, external_id: 'First' }).expect(200);
  });

  it('keys strings as MySQL compares them: case, accents and trailing spaces aside, nothing else', () => {
    expect(panelCollationKey('Case-A  ')).toBe(panelCollationKey('case-a'));
    expect(panelCollationKey('Crème')).toBe(panelCollationKey('creme'));
    expect(panelCollationKey(' a')).not.toBe(panelCollationKey('a'));
    expect(panelCollationKey('a-b')).not.toBe(panelCollationKey('ab'));
    expect(panelCollationKey('a\t')).not.toBe(panelCollationKey('a'));
  });
});
