import { execFileSync } from 'node:child_process';
import type { Express } from 'express';
import pino from 'pino';
import request, { type Response } from 'supertest';
import { createApp } from '../../src/api/app';
import { openApiDocument, type OpenApiDocument } from '../../src/api/openapi/document';
import { documentSchemas } from '../openapi-schema';
import { API_KEY, auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

const READ_KEY = 'test-read-key-0123456789abcdef';

const VALIDATE = `
import { Validator } from '@seriousme/openapi-schema-validator';
let input = '';
for await (const chunk of process.stdin) input += chunk;
process.stdout.write(JSON.stringify(await new Validator().validate(JSON.parse(input))));
`;

/** @seriousme/openapi-schema-validator's verdict (an ES module, which Jest's CommonJS runtime cannot load: run by node). */
function validateOpenApi(document: unknown): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', VALIDATE], {
    input: JSON.stringify(document),
    cwd: __dirname,
  });
  return JSON.parse(out.toString()) as unknown;
}

type Json = Record<string, unknown>;
interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name: string;
  regexp: RegExp & { fast_slash?: boolean };
  handle: { stack?: Layer[] };
}

function mountPath(layer: Layer): string {
  if (layer.regexp.fast_slash) return '';
  return layer.regexp.source.replace('\\/?(?=\\/|$)', '').replace(/^\^/, '').replace(/\\\//g, '/');
}

/** Every `METHOD path` routed by the app (nested routers walked, `:param` as `{param}`). */
function appRoutes(app: Express): Set<string> {
  const found = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const full = `${prefix}${layer.route.path}`.replace(/\/$/, '') || '/';
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          found.add(`${method.toUpperCase()} ${full.replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.name === 'router' && layer.handle.stack) {
        walk(layer.handle.stack, prefix + mountPath(layer));
      }
    }
  };
  walk((app as unknown as { _router: { stack: Layer[] } })._router.stack, '');
  return found;
}

function documentedRoutes(document: OpenApiDocument): Set<string> {
  return new Set(
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    ),
  );
}

/** A validator of response bodies against the document's schemas (draft 2020-12, refs within components). */
function responseChecker(document: OpenApiDocument) {
  const schemas = documentSchemas(document);
  return (method: string, path: string, res: Response) => {
    const item = (document.paths as Record<string, Record<string, { responses: Record<string, Json> }>>)[path];
    const documented = item?.[method.toLowerCase()]?.responses ?? {};
    expect(Object.keys(documented)).toContain(String(res.status));
    let answer = documented[String(res.status)];
    if (typeof answer.$ref === 'string') {
      const name = answer.$ref.split('/').pop() as string;
      answer = (document.components.responses as Record<string, Json>)[name];
    }
    const schema = (answer.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
    expect(schema).toBeDefined();
    expect({ status: res.status, path, errors: schemas.errorsOf(schema!, res.body) }).toEqual({
      status: res.status,
      path,
      errors: null,
    });
  };
}

describe('the OpenAPI document', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ worker: true, apiKeys: [{ name: 'reader', role: 'read', secret: READ_KEY }] });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it.each([false, true])('is a valid OpenAPI 3.1 document (codec %s)', (codec) => {
    expect(validateOpenApi(openApiDocument({ codec }))).toEqual({ valid: true });
    expect(openApiDocument({ codec }).openapi).toBe('3.1.0');
  });

  it.each([false, true])('documents every route the app serves, and only those (codec %s)', (codec) => {
    const app = createApp({
      client: h.client,
      taskQueue: h.taskQueue,
      apiKey: API_KEY,
      logger: pino({ level: 'silent' }),
      eggRules: h.eggRules,
      ...(codec ? { payloadCodec: { encode: async (p) => p, decode: async (p) => p } } : {}),
    });
    const served = appRoutes(app);
    expect(served.size).toBeGreaterThan(15);
    expect([...served].sort()).toEqual([...documentedRoutes(openApiDocument({ codec }))].sort());
  });

  it('gives every operation a unique camelCase operationId and the roles that may call it', () => {
    const operations = Object.values(openApiDocument({ codec: true }).paths).flatMap((item) => Object.values(item));
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.description).toMatch(/Roles: |No API key needed/);
    }
    const createOrder = openApiDocument({ codec: false }).paths['/v1/orders'].post;
    expect(createOrder['x-roles']).toEqual(['panel', 'operator']);
    expect(createOrder.security).toEqual([{ apiKey: [] }]);
  });

  it('is served at GET /openapi.json and readable at GET /docs without a key', async () => {
    const json = await h.http().get('/openapi.json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual(JSON.parse(JSON.stringify(openApiDocument({ codec: false }))));
    const page = await h.http().get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/docs-init.js'])
      expect((await h.http().get(asset)).status).toBe(200);
  });

  it("the app's real answers match the documented schema of their status", async () => {
    const check = responseChecker(openApiDocument({ codec: false }));
    const orderId = uniqueOrderId('openapi');
    const body = orderBody({ orderId });

    const created = await h.http().post('/v1/orders').set(auth).send(body);
    expect(created.status).toBe(202);
    check('POST', '/v1/orders', created);
    const repeated = await h.http().post('/v1/orders').set(auth).send(body);
    expect(repeated.status).toBe(200);
    check('POST', '/v1/orders', repeated);
    const invalid = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send({ ...body, userId: 0, extra: true });
    expect(invalid.status).toBe(400);
    check('POST', '/v1/orders', invalid);
    const conflict = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send({ ...body, name: 'other' });
    expect(conflict.status).toBe(409);
    check('POST', '/v1/orders', conflict);
    const forbidden = await h
      .http()
      .post('/v1/orders')
      .set({ Authorization: `Bearer ${READ_KEY}` })
      .send(body);
    expect(forbidden.status).toBe(403);
    check('POST', '/v1/orders', forbidden);
    const unauthorized = await h.http().get('/v1/orders');
    expect(unauthorized.status).toBe(401);
    check('GET', '/v1/orders', unauthorized);

    const order = await h.http().get(`/v1/orders/${orderId}`).set(auth);
    expect(order.status).toBe(200);
    check('GET', '/v1/orders/{id}', order);
    const missing = await h.http().get('/v1/orders/no-such-order').set(auth);
    expect(missing.status).toBe(404);
    check('GET', '/v1/orders/{id}', missing);
    const list = await h.http().get('/v1/orders').query({ limit: '5' }).set(auth);
    expect(list.status).toBe(200);
    check('GET', '/v1/orders', list);
    check('GET', '/v1/orders/{id}/history', await h.http().get(`/v1/orders/${orderId}/history`).set(auth));
    check('GET', '/v1/orders/{id}/operations', await h.http().get(`/v1/orders/${orderId}/operations`).set(auth));
    check('POST', '/v1/orders/{id}/cancel', await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).send({}));
    check('GET', '/v1/queue', await h.http().get('/v1/queue').set(auth));
    check('GET', '/healthz', await h.http().get('/healthz'));
    check('GET', '/readyz', await h.http().get('/readyz'));
  });

  it('documents the error answers of the body parser and of the failed-authentication limit', async () => {
    const document = openApiDocument({ codec: false });
    const check = responseChecker(document);
    const notJson = await h.http().post('/v1/orders').set(auth).set('Content-Type', 'text/plain').send('hello');
    expect(notJson.status).toBe(415);
    check('POST', '/v1/orders', notJson);
    const tooLarge = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ name: 'x'.repeat(70_000) }));
    expect(tooLarge.status).toBe(413);
    check('POST', '/v1/orders', tooLarge);

    const app = createApp({
      client: h.client,
      taskQueue: h.taskQueue,
      apiKey: API_KEY,
      logger: pino({ level: 'silent' }),
      eggRules: h.eggRules,
      failedAuthLimit: { max: 1, windowMs: 60_000 },
    });
    expect((await request(app).get('/v1/queue')).status).toBe(401);
    const locked = await request(app).get('/v1/queue').set(auth);
    expect(locked.status).toBe(429);
    check('GET', '/v1/queue', locked);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(document.components.responses.TooManyRequests.headers).toHaveProperty('Retry-After');
  });
});
