import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { listenApi, type ListeningApi } from '../../src/api/server';
import { ConfigError, loadConfig } from '../../src/config';
import { HostAllowList } from '../../src/net/allow-list';
import { orderWorkflowId } from '../../src/workflows/contract';
import { API_KEY, auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from '../api/harness';

let h: ApiHarness;
let configured: ListeningApi;
const post = (body: Record<string, unknown>) => request(configured.url).post('/v1/orders').set(auth).send(body);

beforeAll(async () => {
  h = await startApiHarness();
  const app = createApp({
    client: h.client,
    taskQueue: h.taskQueue,
    apiKey: API_KEY,
    logger: pino({ level: 'silent' }),
    queryTimeoutMs: 300,
    callbacksConfigured: true,
    callbackAllowedHosts: HostAllowList.parse('127.0.0.1'),
  });
  configured = await listenApi(app, 0, '127.0.0.1');
});

afterAll(async () => {
  await configured?.close();
  await h?.stop();
});

describe('POST /v1/orders with a callbackUrl', () => {
  it('passes the callbackUrl to the workflow as part of the order', async () => {
    const orderId = uniqueOrderId('cb-accepted');
    const callbackUrl = 'https://panel.example.com/server-queue/callback?site=1';
    await post(orderBody({ orderId, callbackUrl })).expect(202);
    const history = await h.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    expect(JSON.parse(Buffer.from(payload!).toString('utf8'))).toEqual({ ...orderBody({ orderId }), callbackUrl });
  });

  it.each([
    ['not a URL', 'not a url'],
    ['a non-http scheme', 'ftp://panel.example.com/callback'],
    ['a relative path', '/server-queue/callback'],
    ['a number', 42],
  ])('answers 400 invalid_body for %s', async (_label, callbackUrl) => {
    const res = await post(orderBody({ orderId: uniqueOrderId('cb-invalid'), callbackUrl }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_body');
    expect(res.body.error.details.issues).toEqual([{ field: 'callbackUrl', reason: expect.any(String) }]);
  });

  it.each([
    ['http://10.0.0.5:8080/cb', 'must not point at a private address (see CALLBACK_ALLOWED_HOSTS)'],
    ['http://169.254.169.254/latest/meta-data', 'must not point at a link-local address (see CALLBACK_ALLOWED_HOSTS)'],
    ['http://2130706434/cb', 'must not point at a loopback address (see CALLBACK_ALLOWED_HOSTS)'],
    ['http://[::1]:9000/cb', 'must not point at a loopback address (see CALLBACK_ALLOWED_HOSTS)'],
    ['http://[fd00::1]/cb', 'must not point at a unique-local address (see CALLBACK_ALLOWED_HOSTS)'],
    ['http://localhost:9000/cb', 'must not point at a loopback name (see CALLBACK_ALLOWED_HOSTS)'],
  ])('answers 400 invalid_body naming callbackUrl for %s, starting nothing', async (callbackUrl, reason) => {
    const orderId = uniqueOrderId('cb-private');
    const res = await post(orderBody({ orderId, callbackUrl }));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_body',
      message: 'invalid request body',
      details: { issues: [{ field: 'callbackUrl', reason }] },
    });
    await expect(h.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).rejects.toThrow();
  });

  it('accepts a literal address CALLBACK_ALLOWED_HOSTS lists, and a hostname (its addresses are checked at delivery)', async () => {
    await post(orderBody({ orderId: uniqueOrderId('cb-listed'), callbackUrl: 'http://127.0.0.1:9000/cb' })).expect(202);
    await post(orderBody({ orderId: uniqueOrderId('cb-name'), callbackUrl: 'https://panel.internal/cb' })).expect(202);
  });

  it('counts the callbackUrl in the order fingerprint: a repeat with another URL is a conflict', async () => {
    const orderId = uniqueOrderId('cb-fingerprint');
    await post(orderBody({ orderId, callbackUrl: 'https://a.example.com/cb' })).expect(202);
    await post(orderBody({ orderId, callbackUrl: 'https://a.example.com/cb' })).expect(200);
    expect((await post(orderBody({ orderId, callbackUrl: 'https://b.example.com/cb' }))).body.error.code).toBe(
      'order_conflict',
    );
    expect((await post(orderBody({ orderId }))).body.error.code).toBe('order_conflict');
  });

  it('refuses a callbackUrl with 400 callback_secret_not_configured when CALLBACK_SECRET is not set, starting nothing', async () => {
    const orderId = uniqueOrderId('cb-unsigned');
    const res = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, callbackUrl: 'https://panel.example.com/cb' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'callback_secret_not_configured' });
    await expect(h.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).rejects.toThrow();
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  });
});

describe('CALLBACK_ALLOWED_HOSTS', () => {
  const issuesOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.issues;
      throw err;
    }
    return [];
  };

  it('is empty by default and read as a list of names, addresses and blocks', () => {
    expect(loadConfig({}).callbackAllowedHosts.isEmpty).toBe(true);
    const allow = loadConfig({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1, panel.internal,10.0.0.0/8' }).callbackAllowedHosts;
    expect(allow.entries).toEqual(['127.0.0.1', 'panel.internal', '10.0.0.0/8']);
  });

  it('names a bad entry by position, never echoing it', () => {
    const issues = issuesOf({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1,secret stuff' });
    expect(issues).toEqual([
      { variable: 'CALLBACK_ALLOWED_HOSTS', reason: expect.stringMatching(/^entry 2 is neither/) },
    ]);
    expect(JSON.stringify(issues)).not.toContain('secret stuff');
  });

  it('refuses an OPERATOR_WEBHOOK_URL at a literal non-public address unless listed', () => {
    expect(issuesOf({ OPERATOR_WEBHOOK_URL: 'http://10.0.0.9/hook' })).toEqual([
      {
        variable: 'OPERATOR_WEBHOOK_URL',
        reason: 'its host is a private address; add it to CALLBACK_ALLOWED_HOSTS',
      },
    ]);
    expect(
      loadConfig({ OPERATOR_WEBHOOK_URL: 'http://10.0.0.9/hook', CALLBACK_ALLOWED_HOSTS: '10.0.0.9' }).operatorWebhook,
    ).toEqual({ url: 'http://10.0.0.9/hook', format: 'json' });
  });
});

describe('CALLBACK_SECRET', () => {
  it('is optional and read into the config', () => {
    expect(loadConfig({}).callbackSecret).toBeUndefined();
    expect(loadConfig({ CALLBACK_SECRET: 'c'.repeat(32) }).callbackSecret).toBe('c'.repeat(32));
  });

  it('must be at least 32 characters, and a bad one is never echoed', () => {
    let err: unknown;
    try {
      loadConfig({ CALLBACK_SECRET: 'short-callback-secret' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      { variable: 'CALLBACK_SECRET', reason: 'must be at least 32 characters' },
    ]);
    expect((err as ConfigError).message).not.toContain('short-callback-secret');
  });
});
