import request from 'supertest';
import type { SimPanel } from '../src';
import { API_KEY, api, BASE, FakeClock, newPanel, serverBody } from './helpers';

const READER = 'ptla_readOnlyServers0000000000';
const SAME_USER = 'ptla_secondKeyOfAdmin000000000';
const OTHER_USER = 'ptla_keyOfAnotherAdmin00000000';

const as = (panel: SimPanel, key: string) => ({
  get: (path: string) => request(panel.app).get(`${BASE}${path}`).set('Authorization', `Bearer ${key}`),
  post: (path: string, body: object) =>
    request(panel.app).post(`${BASE}${path}`).set('Authorization', `Bearer ${key}`).send(body),
});

const DENIED = {
  errors: [{ code: 'AccessDeniedHttpException', status: '403', detail: 'This action is unauthorized.' }],
};

describe('simulated panel: API key permissions', () => {
  let panel: SimPanel;
  beforeEach(() => {
    panel = newPanel({
      apiKeys: [{ key: READER, permissions: { servers: 'r', nodes: 'r', allocations: 'r' } }],
    });
  });
  afterEach(() => panel.close());

  it('answers 403 AccessDeniedHttpException to a write without rw, and creates nothing', async () => {
    const res = await as(panel, READER)
      .post('/servers', serverBody({ external_id: 'p-1' }))
      .expect(403);
    expect(res.body).toEqual(DENIED);
    expect(panel.state().servers).toEqual([]);
  });

  it('lets reads through with r and refuses resources the key has none on', async () => {
    await as(panel, READER).get('/servers').expect(200);
    await as(panel, READER).get('/nodes/1/allocations').expect(200);
    expect((await as(panel, READER).get('/nests/1/eggs').expect(403)).body).toEqual(DENIED);
    await as(panel, READER).get('/locations').expect(403);
  });

  it('keeps every right on the configured key', async () => {
    await api(panel).post('/servers', serverBody()).expect(201);
  });

  it('narrows the configured key with a run-time key of the same secret, until reset', async () => {
    const narrowed = { key: API_KEY, permissions: { servers: 'r' } };
    await request(panel.app).post('/_sim/keys').send(narrowed).expect(204);
    expect((await api(panel).post('/servers', serverBody()).expect(403)).body).toEqual(DENIED);
    await api(panel).get('/servers').expect(200);
    await request(panel.app).post('/_sim/reset').expect(204);
    await api(panel).post('/servers', serverBody()).expect(201);
  });

  it('refuses every call of a key whose user is not root admin', async () => {
    await request(panel.app).post('/_sim/keys').send({ key: OTHER_USER, user: 'bob', rootAdmin: false }).expect(204);
    const res = await as(panel, OTHER_USER).get('/servers').expect(403);
    expect(res.body.errors[0]).toMatchObject({
      code: 'AccessDeniedHttpException',
      detail: 'This account does not have permission to access the API.',
    });
  });

  it('adds keys at run time through /_sim/keys and forgets them at reset', async () => {
    await request(panel.app)
      .post('/_sim/keys')
      .send({ key: SAME_USER, permissions: { servers: 'rw' } })
      .expect(204);
    await as(panel, SAME_USER).post('/servers', serverBody()).expect(201);
    await request(panel.app)
      .post('/_sim/keys')
      .send({ key: 'x', permissions: { bogus: 'r' } })
      .expect(400);
    await request(panel.app).post('/_sim/reset').expect(204);
    await as(panel, SAME_USER).get('/servers').expect(401);
    await as(panel, READER).get('/servers').expect(200);
  });
});

describe('simulated panel: the rate limit is per admin user', () => {
  it('counts every key of one user against one window; another user has its own', async () => {
    const clock = new FakeClock();
    const panel = newPanel(
      {
        rateLimitPerMinute: 3,
        apiKeys: [{ key: SAME_USER }, { key: OTHER_USER, user: 'other-admin' }],
      },
      clock,
    );
    try {
      await api(panel).get('/nodes').expect(200);
      const second = await as(panel, SAME_USER).get('/nodes').expect(200);
      expect(second.headers['x-ratelimit-remaining']).toBe('1');
      await api(panel).get('/nodes').expect(200);
      await as(panel, SAME_USER).get('/nodes').expect(429);
      await api(panel).get('/nodes').expect(429);
      const other = await as(panel, OTHER_USER).get('/nodes').expect(200);
      expect(other.headers['x-ratelimit-remaining']).toBe('2');
    } finally {
      panel.close();
    }
  });

  it('counts a request refused for permissions (authorization runs after the throttle)', async () => {
    const panel = newPanel({ rateLimitPerMinute: 2, apiKeys: [{ key: READER, permissions: {} }] });
    try {
      await as(panel, READER).get('/servers').expect(403);
      const next = await api(panel).get('/nodes').expect(200);
      expect(next.headers['x-ratelimit-remaining']).toBe('0');
    } finally {
      panel.close();
    }
  });
});
