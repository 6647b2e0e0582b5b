import request from 'supertest';
import type { SimPanel } from '../src';
import type { PanelErrorBody } from './helpers';
import { api, newPanel, serverBody } from './helpers';

const DUPLICATE_EXTERNAL_ID =
  'Could not save Pterodactyl\\Models\\Server[]: failed to validate data: {"external_id":["The external id has already been taken."]}';

describe('simulated panel: concurrent creates', () => {
  let panel: SimPanel;
  beforeEach(async () => {
    panel = newPanel();
    await request(panel.app).post('/_sim/faults').send({ createDelayMs: 200 }).expect(200);
  });
  afterEach(() => panel.close());

  it('answers 500 to the second of two concurrent creates with one external_id (both passed validation)', async () => {
    const [first, second] = await Promise.all([
      api(panel).post('/servers', serverBody({ external_id: 'race-1', allocation: { default: 1 } })),
      new Promise((r) => setTimeout(r, 20)).then(() =>
        api(panel).post('/servers', serverBody({ external_id: 'RACE-1', allocation: { default: 2 } })),
      ),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(500);
    expect((second.body as PanelErrorBody).errors).toEqual([
      { code: 'DataValidationException', status: '500', detail: DUPLICATE_EXTERNAL_ID },
    ]);
    const state = panel.state();
    expect(state.servers.map((s) => s.external_id)).toEqual(['race-1']);
    expect(state.allocations.find((a) => a.id === 2)?.server).toBeNull();
  });

  it('answers 500 to the loser of a race for one allocation', async () => {
    const [first, second] = await Promise.all([
      api(panel).post('/servers', serverBody({ external_id: 'a-1' })),
      api(panel).post('/servers', serverBody({ external_id: 'a-2' })),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 500]);
    const loser = (first.status === 500 ? first : second).body as PanelErrorBody;
    expect(loser.errors[0]).toMatchObject({ code: 'DataValidationException', status: '500' });
    expect(loser.errors[0].detail).toContain('"allocation_id":["The allocation id has already been taken."]');
    expect(panel.state().servers).toHaveLength(1);
  });

  it('still answers 422 to a duplicate sent after the first was saved', async () => {
    await api(panel)
      .post('/servers', serverBody({ external_id: 'seq-1' }))
      .expect(201);
    const res = await api(panel).post('/servers', serverBody({ external_id: 'seq-1', allocation: { default: 2 } }));
    expect(res.status).toBe(422);
    expect((res.body as PanelErrorBody).errors[0].meta).toMatchObject({ source_field: 'external_id' });
  });
});
