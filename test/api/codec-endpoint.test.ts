import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import request from 'supertest';
import type { ApiKey } from '../../src/api/api-keys';
import { createApp } from '../../src/api/app';
import { temporalInterceptors } from '../../src/temporal-grpc';
import { closeApp } from '../../src/api/close-hooks';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, parseEncryptionKeys } from '../../src/codec';

const UI = 'http://127.0.0.1:8233';
const PANEL: ApiKey = { name: 'billing', role: 'panel', secret: 'panel-secret-0123456789' };
const OPS: ApiKey = { name: 'ops', role: 'operator', secret: 'ops-secret-0123456789ab' };
const bearer = (key: ApiKey) => ({ Authorization: `Bearer ${key.secret}` });

const codec = new AesGcmPayloadCodec(parseEncryptionKeys(randomBytes(32).toString('base64')));
// Temporal is never reached: the codec routes do not use the client.
const client = new Client({
  connection: Connection.lazy({ address: '127.0.0.1:1', interceptors: temporalInterceptors() }),
});
const app = createApp({
  client,
  taskQueue: 'codec-test',
  apiKeys: [PANEL, OPS],
  logger: pino({ level: 'silent' }),
  temporalUiUrl: `${UI}/`,
  payloadCodec: codec,
});

const plain = defaultPayloadConverter.toPayload({ environment: { RCON_PASSWORD: 'hunter2-secret' } });
const asJson = {
  metadata: { encoding: Buffer.from(plain.metadata!.encoding!).toString('base64') },
  data: Buffer.from(plain.data!).toString('base64'),
};

afterAll(async () => {
  await closeApp(app);
  await client.connection.close();
});

describe('POST /codec/decode and /codec/encode', () => {
  it('answers 401 without an API key and 403 to a panel key', async () => {
    const none = await request(app).post('/codec/decode').send({ payloads: [] });
    expect(none.status).toBe(401);
    const panel = await request(app).post('/codec/decode').set(bearer(PANEL)).send({ payloads: [] });
    expect(panel.status).toBe(403);
    expect(panel.body.error).toMatchObject({ code: 'forbidden', details: { allowed: ['operator'] } });
  });

  it('round-trips payloads for an operator key, in the UI protocol', async () => {
    const encoded = await request(app)
      .post('/codec/encode')
      .set({ ...bearer(OPS), 'X-Namespace': 'default', Origin: UI })
      .send({ payloads: [asJson] });
    expect(encoded.status).toBe(200);
    expect(encoded.headers['access-control-allow-origin']).toBe(UI);
    const [sealed] = encoded.body.payloads as Array<{ metadata: Record<string, string>; data: string }>;
    expect(Buffer.from(sealed.metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed.data, 'base64').includes('hunter2')).toBe(false);

    const decoded = await request(app)
      .post('/codec/decode')
      .set({ ...bearer(OPS), 'X-Namespace': 'default' })
      .send(encoded.body);
    expect(decoded.status).toBe(200);
    expect(decoded.body).toEqual({ payloads: [asJson] });
  });

  it('passes plain payloads through decode, and answers 400 for one it cannot decrypt', async () => {
    const passed = await request(app)
      .post('/codec/decode')
      .set(bearer(OPS))
      .send({ payloads: [asJson] });
    expect(passed.body).toEqual({ payloads: [asJson] });
    const foreign = await new AesGcmPayloadCodec(
      parseEncryptionKeys(`old:${randomBytes(32).toString('base64')}`),
    ).encode([plain]);
    const body = {
      payloads: foreign.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
        ),
        data: Buffer.from(p.data!).toString('base64'),
      })),
    };
    const refused = await request(app).post('/codec/decode').set(bearer(OPS)).send(body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'decode_failed' });
    expect(refused.body.error.message).toMatch(/key id "old"/);
  });

  it('answers the UI origin preflight with 204 and its CORS headers, and no other origin', async () => {
    const preflight = await request(app).options('/codec/decode').set({
      Origin: UI,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,x-namespace,authorization',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': UI,
      'access-control-allow-headers': 'Content-Type, X-Namespace, Authorization',
      'access-control-allow-methods': 'POST, OPTIONS',
    });
    const other = await request(app).options('/codec/decode').set({ Origin: 'https://evil.example' });
    expect(other.status).toBe(204);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('decodes for the UI origin without a key only with CODEC_ALLOW_UNAUTHENTICATED_FROM_UI, and never encodes', async () => {
    const open = createApp({
      client,
      taskQueue: 'codec-test',
      apiKeys: [OPS],
      logger: pino({ level: 'silent' }),
      temporalUiUrl: UI,
      payloadCodec: codec,
      codecUiWithoutKey: true,
    });
    const fromUi = await request(open)
      .post('/codec/decode')
      .set({ Origin: UI })
      .send({ payloads: [asJson] });
    expect(fromUi.status).toBe(200);
    expect((await request(open).post('/codec/decode').send({ payloads: [] })).status).toBe(401);
    const other = await request(open)
      .post('/codec/decode')
      .set({ Origin: 'http://127.0.0.1:9999' })
      .send({ payloads: [] });
    expect(other.status).toBe(401);
    expect((await request(open).post('/codec/encode').set({ Origin: UI }).send({ payloads: [] })).status).toBe(401);
    expect((await request(app).post('/codec/decode').set({ Origin: UI }).send({ payloads: [] })).status).toBe(401);
  });

  it('is not served without a key', async () => {
    const plainApp = createApp({ client, taskQueue: 'codec-test', apiKeys: [OPS], logger: pino({ level: 'silent' }) });
    expect((await request(plainApp).post('/codec/decode').set(bearer(OPS)).send({ payloads: [] })).status).toBe(404);
  });
});
