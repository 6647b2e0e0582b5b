import {
  createPterodactylClient,
  isDuplicateExternalId,
  ProviderError,
  type PterodactylClient,
} from '../../src/provider';
import { panelError, startCannedPanel, type CannedResponse } from './canned-panel';

const API_KEY = 'ptla_mappingTestKey0123456789';
const body = {
  name: 'mc',
  user: 1,
  egg: 1,
  docker_image: 'img',
  startup: 's',
  environment: {},
  limits: { memory: 1024, swap: 0, disk: 1024, io: 500, cpu: 100 },
  feature_limits: { databases: 0, allocations: 1, backups: 0 },
  external_id: 'order-1',
  allocation: { default: 3 },
};

let next: CannedResponse;
let panel: Awaited<ReturnType<typeof startCannedPanel>>;
let client: PterodactylClient;

beforeAll(async () => {
  panel = await startCannedPanel(() => next);
  client = createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY });
});
afterAll(() => panel.close());

async function createFails(response: CannedResponse): Promise<ProviderError> {
  next = response;
  const err: unknown = await client.createServer(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderError)) throw new Error(`expected ProviderError, got ${String(err)}`);
  return err;
}

const errors = (...entries: unknown[]) => ({ errors: entries });

describe('error mapping', () => {
  test('400 NoViableNodeException is permanent no_capacity', async () => {
    const err = await createFails({
      status: 400,
      json: errors(panelError(400, 'NoViableNodeException', 'No node fits.')),
    });
    expect(err).toMatchObject({
      kind: 'no_capacity',
      retryable: false,
      status: 400,
      code: 'NoViableNodeException',
      detail: 'No node fits.',
    });
  });

  test('400 NoViableAllocationException is permanent no_capacity', async () => {
    const err = await createFails({
      status: 400,
      json: errors(panelError(400, 'NoViableAllocationException', 'No port.')),
    });
    expect(err).toMatchObject({ kind: 'no_capacity', retryable: false });
  });

  test('400 DisplayException is a permanent bad_request', async () => {
    const err = await createFails({
      status: 400,
      json: errors(panelError(400, 'DisplayException', 'Allocation not on server.')),
    });
    expect(err).toMatchObject({ kind: 'bad_request', retryable: false, code: 'DisplayException' });
  });

  test.each([401, 403])('%i is a permanent auth error', async (status) => {
    const err = await createFails({
      status,
      json: errors(panelError(status, 'AuthenticationException', 'Unauthenticated.')),
    });
    expect(err).toMatchObject({ kind: 'auth', retryable: false, status });
  });

  test('404 is not_found', async () => {
    const err = await createFails({
      status: 404,
      json: errors(panelError(404, 'NotFoundHttpException', 'Not found.')),
    });
    expect(err).toMatchObject({ kind: 'not_found', retryable: false });
  });

  test('409 is a retryable conflict', async () => {
    const err = await createFails({
      status: 409,
      json: errors(panelError(409, 'ServerStateConflictException', 'Transferring.')),
    });
    expect(err).toMatchObject({ kind: 'conflict', retryable: true, code: 'ServerStateConflictException' });
  });

  test('422 on environment fields is permanent validation with every field', async () => {
    const err = await createFails({
      status: 422,
      json: errors(
        panelError(422, 'ValidationException', 'The SERVER_JARFILE variable is required.', {
          source_field: 'environment.SERVER_JARFILE',
          rule: 'required',
        }),
        panelError(422, 'ValidationException', 'The limits.io must be at least 10.', {
          source_field: 'limits.io',
          rule: 'min',
        }),
      ),
    });
    expect(err).toMatchObject({ kind: 'validation', retryable: false, status: 422, code: 'ValidationException' });
    expect(err.fields).toEqual(['environment.SERVER_JARFILE', 'limits.io']);
    expect(err.detail).toContain('SERVER_JARFILE');
  });

  test.each(['allocation.default', 'allocation.additional.0'])('422 on %s alone is allocation_taken', async (field) => {
    const err = await createFails({
      status: 422,
      json: errors(
        panelError(422, 'ValidationException', 'The allocation is already assigned.', {
          source_field: field,
          rule: 'exists',
        }),
      ),
    });
    expect(err).toMatchObject({ kind: 'allocation_taken', retryable: false, fields: [field] });
  });

  test('422 without meta whose detail mentions an allocation is allocation_taken', async () => {
    const err = await createFails({
      status: 422,
      json: errors(panelError(422, 'DisplayException', 'The requested allocation is already in use.')),
    });
    expect(err.kind).toBe('allocation_taken');
  });

  test('422 for a missing allocation.default (malformed input) stays validation', async () => {
    const err = await createFails({
      status: 422,
      json: errors(
        panelError(422, 'ValidationException', 'The allocation.default field is required.', {
          source_field: 'allocation.default',
          rule: 'required',
        }),
      ),
    });
    expect(err.kind).toBe('validation');
  });

  test('422 mixing a taken allocation and another invalid field stays validation', async () => {
    const err = await createFails({
      status: 422,
      json: errors(
        panelError(422, 'ValidationException', 'Taken.', { source_field: 'allocation.default', rule: 'exists' }),
        panelError(422, 'ValidationException', 'Bad name.', { source_field: 'name', rule: 'max' }),
      ),
    });
    expect(err.kind).toBe('validation');
  });

  test('422 on external_id is recognised as a duplicate external id', async () => {
    const err = await createFails({
      status: 422,
      json: errors(
        panelError(422, 'ValidationException', 'The external id has already been taken.', {
          source_field: 'external_id',
          rule: 'unique',
        }),
      ),
    });
    expect(err.kind).toBe('validation');
    expect(isDuplicateExternalId(err)).toBe(true);
  });

  test('429 is retryable with retryAfterMs from Retry-After seconds', async () => {
    const err = await createFails({
      status: 429,
      headers: { 'Retry-After': '7' },
      json: errors(panelError(429, 'ThrottleRequestsException', 'Too Many Attempts.')),
    });
    expect(err).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 7000 });
  });

  test('429 without Retry-After falls back to X-RateLimit-Reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    const err = await createFails({ status: 429, headers: { 'X-RateLimit-Reset': String(reset) }, json: errors() });
    expect(err.retryAfterMs).toBeGreaterThan(25_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  test.each([500, 502, 503, 504])('%i is retryable unavailable', async (status) => {
    const err = await createFails({
      status,
      json: errors(panelError(status, 'DaemonConnectionException', 'Daemon down.')),
    });
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true, status, code: 'DaemonConnectionException' });
  });

  test('a 502 with an HTML body is still a retryable unavailable error', async () => {
    const err = await createFails({ status: 502, text: '<html><body>Bad Gateway</body></html>' });
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true, code: undefined, detail: 'Bad Gateway' });
  });

  test('an unexpected 4xx is a permanent bad_request', async () => {
    const err = await createFails({
      status: 405,
      json: errors(panelError(405, 'MethodNotAllowedHttpException', 'No.')),
    });
    expect(err).toMatchObject({ kind: 'bad_request', retryable: false });
  });
});
