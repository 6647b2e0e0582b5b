import pino from 'pino';
import request from 'supertest';
import { parseApiKeys, type ApiKey } from '../../src/api/api-keys';
import { createApp } from '../../src/api/app';
import { listenApi, type ListeningApi } from '../../src/api/server';
import { configIssueVariables } from '../config-error';
import { API_KEY, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

const silentLogger = pino({ level: 'silent' });
const PANEL: ApiKey = { name: 'billing', role: 'panel', secret: 'panel-secret-0123456789abcdef' };
const READER: ApiKey = { name: 'grafana', role: 'read', secret: 'read-secret-0123456789abcdef' };
const OPS: ApiKey = { name: 'alice', role: 'operator', secret: 'operator-secret-0123456789abc' };
const bearer = (key: ApiKey | string) => ({ Authorization: `Bearer ${typeof key === 'string' ? key : key.secret}` });

describe('API_KEYS: parsing', () => {
  it('reads name:role:secret entries', () => {
    expect(parseApiKeys(` billing:panel:${PANEL.secret} , grafana:read:${READER.secret}`)).toEqual([PANEL, READER]);
  });

  it.each([
    [
      'billing:admin:panel-secret-0123456789abcdef',
      /entry 1 \(billing\): the role must be one of panel, operator, read/,
    ],
    ['billing:panel:short', /entry 1 \(billing\): the secret must be at least 16 characters/],
    [`a:panel:${PANEL.secret},a:read:${READER.secret}`, /entry 2: the name a is used twice/],
    [`a:panel:${PANEL.secret},b:read:${PANEL.secret}`, /entry 2 \(b\): the secret is used twice/],
    ['no spaces:panel:panel-secret-0123456789abcdef', /entry 1: the name must be/],
  ])('refuses %s without echoing its secret', (text, reason) => {
    let message = '';
    try {
      parseApiKeys(text);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(reason);
    expect(message).not.toContain('0123456789');
  });

  it('needs API_KEY or API_KEYS in production, and reports a bad API_KEYS by variable', () => {
    const issues = (env: Record<string, string>) => configIssueVariables({ NODE_ENV: 'production', ...env });
    expect(issues({})).toContain('API_KEY');
    expect(issues({ API_KEYS: `billing:panel:${PANEL.secret}` })).not.toContain('API_KEY');
    expect(issues({ API_KEYS: 'billing:panel:x' })).toContain('API_KEYS');
  });
});

describe('API keys: roles and failed authentications', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ apiKeys: [PANEL, READER, OPS] });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const create = (key: ApiKey, orderId: string) =>
    h.http().post('/v1/orders').set(bearer(key)).send(orderBody({ orderId }));

  it('lets a panel key create, read and cancel orders, and nothing else', async () => {
    const orderId = uniqueOrderId('panel-key');
    expect((await create(PANEL, orderId)).status).toBe(202);
    expect((await h.http().get(`/v1/orders/${orderId}`).set(bearer(PANEL))).status).toBe(200);
    const action = await h
      .http()
      .post(`/v1/orders/${orderId}/actions`)
      .set(bearer(PANEL))
      .send({ action: 'rollback', note: 'x' });
    expect(action.status).toBe(403);
    expect(action.body.error).toMatchObject({
      code: 'forbidden',
      details: { role: 'panel', allowed: ['operator'] },
    });
    expect(action.body.error.message).toContain('billing (panel)');
    const operation = await h
      .http()
      .post(`/v1/orders/${orderId}/operations`)
      .set(bearer(PANEL))
      .send({ operation: 'suspend' });
    expect(operation.status).toBe(403);
    const cancel = await h.http().post(`/v1/orders/${orderId}/cancel`).set(bearer(PANEL)).send({ reason: 'test' });
    expect(cancel.status).toBe(202);
  });

  it('lets a read key read and refuses every change with 403', async () => {
    const orderId = uniqueOrderId('read-key');
    expect((await create(READER, orderId)).status).toBe(403);
    expect((await create(OPS, orderId)).status).toBe(202);
    expect((await h.http().get(`/v1/orders/${orderId}`).set(bearer(READER))).status).toBe(200);
    expect((await h.http().get('/v1/queue').set(bearer(READER))).status).toBe(200);
    expect((await h.http().post(`/v1/orders/${orderId}/cancel`).set(bearer(READER)).send({})).status).toBe(403);
  });

  it('lets an operator key act, and the old API_KEY is an operator key', async () => {
    const orderId = uniqueOrderId('operator-key');
    expect((await create(OPS, orderId)).status).toBe(202);
    for (const key of [OPS.secret, API_KEY]) {
      const action = await h
        .http()
        .post(`/v1/orders/${orderId}/actions`)
        .set(bearer(key))
        .send({ action: 'rollback', note: 'x' });
      expect(action.status).toBe(409);
      expect(action.body.error.code).toBe('order_not_parked');
    }
  });

  it('answers 429 with Retry-After to an address after too many failed authentications, even with a valid key', async () => {
    const app = createApp({
      client: h.client,
      taskQueue: h.taskQueue,
      apiKeys: [OPS],
      logger: silentLogger,
      failedAuthLimit: { max: 3, windowMs: 60_000 },
    });
    const api: ListeningApi = await listenApi(app, 0, '127.0.0.1');
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(api.url)
          .get('/v1/queue')
          .set(bearer(`wrong-key-${i}-0123456789abcdef`));
        expect(res.status).toBe(401);
      }
      const refused = await request(api.url).get('/v1/queue').set(bearer(OPS));
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('too_many_failed_authentications');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    } finally {
      await api.close();
    }
  });

  it('does not count successful requests (even a concurrent burst), 404s or validation errors as failed authentications', async () => {
    const app = createApp({
      client: h.client,
      taskQueue: h.taskQueue,
      apiKeys: [OPS],
      logger: silentLogger,
      failedAuthLimit: { max: 2, windowMs: 60_000 },
    });
    const api = await listenApi(app, 0, '127.0.0.1');
    try {
      for (let i = 0; i < 4; i++) {
        expect((await request(api.url).get('/v1/orders/nope-404').set(bearer(OPS))).status).toBe(404);
        expect((await request(api.url).post('/v1/orders').set(bearer(OPS)).send({})).status).toBe(400);
      }
      const burst = await Promise.all(
        Array.from({ length: 12 }, () => request(api.url).get('/v1/queue').set(bearer(OPS))),
      );
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
      expect((await request(api.url).get('/v1/queue').set(bearer(OPS))).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
