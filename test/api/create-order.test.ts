import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { listenApi } from '../../src/api/server';
import { createLogger } from '../../src/logger';
import { OrderStatusAttribute, TierAttribute, UserIdAttribute, orderWorkflowId } from '../../src/workflows/contract';
import { ORDER_FINGERPRINT_MEMO } from '../../src/api/order-fingerprint';
import { API_KEY, auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ queryTimeoutMs: 300, maxBodyBytes: 4096 });
});

afterAll(async () => {
  await h?.stop();
});

describe('POST /v1/orders', () => {
  it('answers 202 QUEUED with a self link once the order workflow has started', async () => {
    const orderId = uniqueOrderId('accepted');
    const res = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, tier: 'premium', userId: 2 }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      orderId,
      status: 'QUEUED',
      links: { self: `/v1/orders/${orderId}`, cancel: `/v1/orders/${orderId}/cancel` },
    });
    expect(res.headers.location).toBe(`/v1/orders/${orderId}`);

    const described = await h.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect(described.type).toBe('provisionServer');
    expect(described.taskQueue).toBe(h.taskQueue);
    expect(described.status.name).toBe('RUNNING');
    expect(described.typedSearchAttributes.get(OrderStatusAttribute)).toBe('QUEUED');
    expect(described.typedSearchAttributes.get(UserIdAttribute)).toBe(2);
    expect(described.typedSearchAttributes.get(TierAttribute)).toBe('premium');
    expect(described.memo?.[ORDER_FINGERPRINT_MEMO]).toMatch(/^sha256:[0-9a-f]{64}$/);
    const started = (await h.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory()).events?.[0];
    expect(started?.workflowExecutionStartedEventAttributes?.priority).toMatchObject({
      priorityKey: 1,
      fairnessKey: 'user-2',
    });
  });

  it('passes the validated order to the workflow as its argument', async () => {
    const orderId = uniqueOrderId('input');
    await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, name: '  padded  ' }))
      .expect(202);
    const history = await h.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0]?.data;
    const input = JSON.parse(Buffer.from(payload!).toString('utf8')) as Record<string, unknown>;
    expect(input).toEqual({ ...orderBody({ orderId }), name: 'padded' });
  });

  it('generates an order id when none is given', async () => {
    const res = await h.http().post('/v1/orders').set(auth).send(orderBody()).expect(202);
    expect(res.body.orderId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    await expect(h.client.workflow.getHandle(orderWorkflowId(res.body.orderId)).describe()).resolves.toBeDefined();
  });

  it('answers 200 with the existing order when the same order id comes again with the same body', async () => {
    const orderId = uniqueOrderId('repeat');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    const reordered = Object.fromEntries(Object.entries(orderBody({ orderId })).reverse());
    const res = await h.http().post('/v1/orders').set(auth).send(reordered);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId,
      status: 'QUEUED',
      tier: 'standard',
      userId: 1,
      links: { self: `/v1/orders/${orderId}` },
    });
    await expect(
      h.client.workflow.start('provisionServer', {
        taskQueue: h.taskQueue,
        workflowId: orderWorkflowId(orderId),
        workflowIdConflictPolicy: 'FAIL',
      }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('answers 409 when the same order id comes again with a different body', async () => {
    const orderId = uniqueOrderId('conflict');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    const res = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, limits: { memory: 2048, swap: 0, disk: 5120, io: 500, cpu: 100 } }));
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'order_conflict',
      message: expect.stringContaining(orderId),
      details: { orderId },
    });
  });

  it('answers 409 for a repeat of an order whose workflow has already closed with a different body', async () => {
    const orderId = uniqueOrderId('closed');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    await h.client.workflow.getHandle(orderWorkflowId(orderId)).terminate('test');
    await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, name: 'other' }))
      .expect(409);
    const same = await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId }));
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({
      orderId,
      status: 'FAILED',
      source: 'visibility',
      error: { type: 'WorkflowTERMINATED' },
    });
  });
});

describe('POST /v1/orders rejects bad input', () => {
  const invalid: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['a missing userId', orderBody({ userId: undefined }), 'userId', /required/],
    ['a non-integer userId', orderBody({ userId: 1.5 }), 'userId', /integer/],
    ['an unknown tier', orderBody({ tier: 'gold' }), 'tier', /premium|standard|free/],
    ['an empty name', orderBody({ name: '   ' }), 'name', /empty/],
    ['an orderId with bad characters', orderBody({ orderId: 'a b/c' }), 'orderId', /A-Z/],
    ['a 65-character orderId', orderBody({ orderId: 'x'.repeat(65) }), 'orderId', /1-64/],
    ['empty locationIds', orderBody({ locationIds: [] }), 'locationIds', /at least one/],
    [
      'memory 0 (unlimited)',
      orderBody({ limits: { memory: 0, swap: 0, disk: 1, io: 500, cpu: 0 } }),
      'limits.memory',
      /at least 1/,
    ],
    [
      'disk 0 (unlimited)',
      orderBody({ limits: { memory: 1, swap: 0, disk: 0, io: 500, cpu: 0 } }),
      'limits.disk',
      /unlimited/,
    ],
    ['io out of range', orderBody({ limits: { memory: 1, swap: 0, disk: 1, io: 5, cpu: 0 } }), 'limits.io', /10/],
    [
      'a missing featureLimits field',
      orderBody({ featureLimits: { databases: 0, backups: 0 } }),
      'featureLimits.allocations',
      /required/,
    ],
    ['a non-string environment value', orderBody({ environment: { A: 1 } }), 'environment.A', /string/],
    ['an unknown field', orderBody({ priority: 1 }), 'priority', /unknown field/],
  ];

  it.each(invalid)('answers 400 naming the field for %s', async (_label, body, field, reason) => {
    const res = await h.http().post('/v1/orders').set(auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_body');
    expect(res.body.error.details.issues).toEqual(
      expect.arrayContaining([{ field, reason: expect.stringMatching(reason) }]),
    );
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"userId": 1,');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await h.http().post('/v1/orders').set(auth).set('Content-Type', 'text/plain').send('userId=1');
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'unsupported_media_type', details: { contentType: 'text/plain' } });
  });

  it('answers 413 for a body over the size limit', async () => {
    const res = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ name: 'x'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'payload_too_large',
      message: expect.stringContaining('4096'),
      details: { limitBytes: 4096 },
    });
  });

  it('answers 401 without an API key and starts nothing', async () => {
    const orderId = uniqueOrderId('noauth');
    const res = await h.http().post('/v1/orders').send(orderBody({ orderId }));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body.error.code).toBe('unauthorized');
    await expect(h.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).rejects.toThrow();
  });

  it('answers 401 with a wrong API key, without echoing it', async () => {
    const res = await h.http().post('/v1/orders').set('Authorization', 'Bearer wrong-key-123').send(orderBody());
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('invalid API key');
    expect(JSON.stringify(res.body)).not.toContain('wrong-key-123');
  });

  it('answers 401 for a non-Bearer authorization scheme', async () => {
    await h.http().post('/v1/orders').set('Authorization', 'Basic dXNlcjpwYXNz').send(orderBody()).expect(401);
  });
});

describe('GET /v1/orders/:id without a worker', () => {
  it('falls back to what Temporal records when no worker answers the state query', async () => {
    const orderId = uniqueOrderId('noworker');
    await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, tier: 'free', userId: 3 }))
      .expect(202);
    const res = await h.http().get(`/v1/orders/${orderId}`).set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId,
      status: 'QUEUED',
      tier: 'free',
      userId: 3,
      step: null,
      server: null,
      error: null,
      timeline: [],
      source: 'visibility',
      links: { self: `/v1/orders/${orderId}` },
    });
    expect(Date.parse(res.body.createdAt)).not.toBeNaN();
  });
});

describe('logging', () => {
  it('logs each request without the API key, the body or a stack trace', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const app = createApp({ client: h.client, taskQueue: h.taskQueue, apiKey: API_KEY, logger, queryTimeoutMs: 200 });
    const server = await listenApi(app, 0, '127.0.0.1');
    const orderId = uniqueOrderId('logged');
    try {
      await request(server.url)
        .post('/v1/orders')
        .set(auth)
        .send(orderBody({ orderId, name: 'secret-server-name' }))
        .expect(202);
      await request(server.url).get('/v1/orders').set('Authorization', 'Bearer a-guessed-key-987').expect(401);
      await request(server.url).get(`/v1/orders/${orderId}`).set(auth).expect(200);
    } finally {
      await server.close();
    }
    const log = lines.join('');
    expect(lines.filter((l) => l.includes('"msg":"request"'))).toHaveLength(3);
    expect(log).toContain(`"orderId":"${orderId}"`);
    for (const secret of [API_KEY, 'a-guessed-key-987', 'secret-server-name', '    at '])
      expect(log).not.toContain(secret);
  });
});
