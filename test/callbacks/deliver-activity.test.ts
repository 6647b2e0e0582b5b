import { ApplicationFailure } from '@temporalio/common';
import { deliverCallbackActivity } from '../../src/activities/callback';
import { CallbackFailureType, type CallbackEvent, type DeliverCallbackInput } from '../../src/callbacks/contract';
import { verifyCallbackRequest } from '../../src/callbacks/verify';
import { legacySecretAsWebhookSecret } from '../../src/callbacks/standard-webhooks';
import { HostAllowList } from '../../src/net/allow-list';
import { OutboundGuard } from '../../src/net/outbound-guard';
import { mockActivityEnv, runActivity, silentLogger } from '../activities/panel-harness';
import { localReceiversGuard } from '../net/local-receivers';
import { startReceiver, type Receiver } from './receiver';
import { verifiesWith } from './spec-verifier';

const SECRET = 'activity-test-secret-0123456789abcdef';
const NEW = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYqr';
const OLD = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

const event: CallbackEvent = {
  id: 'order-cb-1:active:1',
  type: 'order.active',
  orderId: 'cb-1',
  status: 'ACTIVE',
  occurredAt: '2025-01-01T00:00:00.000Z',
  order: {
    orderId: 'cb-1',
    status: 'ACTIVE',
    tier: 'premium',
    userId: 3,
    error: null,
    server: { id: 9, uuid: 'u', identifier: 'i', node: 1, allocation: { id: 4, ip: '10.0.0.1', port: 25565 } },
  },
};

describe('deliverCallback activity', () => {
  let receiver: Receiver;
  const deliver = deliverCallbackActivity({
    secrets: [NEW, OLD],
    legacySecret: SECRET,
    logger: silentLogger,
    timeoutMs: 5000,
    guard: localReceiversGuard(),
  });
  const impatient = deliverCallbackActivity({
    legacySecret: SECRET,
    logger: silentLogger,
    timeoutMs: 300,
    guard: localReceiversGuard(),
  });
  const input = (): DeliverCallbackInput => ({ url: `${receiver.url}?token=receiver-token-42`, event });
  const failureOf = async (run: Promise<unknown>): Promise<ApplicationFailure> => {
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
    return err;
  };

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('POSTs the event as JSON, signed per Standard Webhooks with every secret, plus the legacy headers', async () => {
    const result = await runActivity(deliver, input(), mockActivityEnv({ attempt: 3 }));
    expect(result).toEqual({ status: 204, attempt: 3 });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.path).toBe('/callbacks/server-queue?token=receiver-token-42');
    expect(JSON.parse(request.body)).toEqual(event);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toBe(event.id);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(verifiesWith(NEW, request.headers, request.body)).toBe(true);
    expect(verifiesWith(OLD, request.headers, request.body)).toBe(true);
    expect(verifiesWith(legacySecretAsWebhookSecret(SECRET), request.headers, request.body)).toBe(true);
    expect(verifiesWith(NEW, { ...request.headers, 'webhook-id': 'order-cb-1:active:2' }, request.body)).toBe(false);
    expect(request.headers['x-event-id']).toBe(event.id);
    expect(Math.abs(Number(request.headers['x-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(verifyCallbackRequest(SECRET, request.headers, request.body)).toEqual({ ok: true, eventId: event.id });
    expect(verifyCallbackRequest('some-other-secret', request.headers, request.body)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('sends only the Standard Webhooks headers when CALLBACK_LEGACY_HEADERS is off', async () => {
    const modern = deliverCallbackActivity({
      secrets: [NEW],
      legacySecret: SECRET,
      legacyHeaders: false,
      logger: silentLogger,
      guard: localReceiversGuard(),
    });
    await runActivity(modern, input());
    const { headers, body } = receiver.received[0];
    expect(
      Object.keys(headers)
        .filter((name) => /^(x-|webhook-)/.test(name))
        .sort(),
    ).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(verifiesWith(NEW, headers, body)).toBe(true);
    expect(verifiesWith(legacySecretAsWebhookSecret(SECRET), headers, body)).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422])(
    'fails retryably when the receiver answers %i (a stale or unknown signature must not lose the event)',
    async (status) => {
      receiver.reply = () => ({ status });
      const err = await failureOf(runActivity(deliver, input()));
      expect(err).toMatchObject({ type: CallbackFailureType.Refused, nonRetryable: false });
      expect(err.message).toBe(`callback to ${new URL(receiver.url).origin} answered ${status}`);
    },
  );

  it.each([500, 502, 503, 408, 429])('fails retryably when the receiver answers %i', async (status) => {
    receiver.reply = () => ({ status });
    const err = await failureOf(runActivity(deliver, input()));
    expect(err).toMatchObject({ type: CallbackFailureType.Unavailable, nonRetryable: false });
    expect(err.message).toBe(`callback to ${new URL(receiver.url).origin} answered ${status}`);
  });

  it('takes the next retry delay from Retry-After', async () => {
    receiver.reply = () => ({ status: 503, headers: { 'Retry-After': '7' } });
    expect(await failureOf(runActivity(deliver, input()))).toMatchObject({
      type: CallbackFailureType.Unavailable,
      nextRetryDelay: 7000,
    });
  });

  it('fails retryably when the receiver does not answer within the timeout', async () => {
    receiver.reply = () => ({ status: 204, delayMs: 2000 });
    const started = Date.now();
    expect(await failureOf(runActivity(impatient, input()))).toMatchObject({
      type: CallbackFailureType.Timeout,
      nonRetryable: false,
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('fails retryably when nothing listens', async () => {
    const url = receiver.url;
    await receiver.close();
    receiver = await startReceiver();
    const err = await failureOf(runActivity(deliver, { url, event }));
    expect(err).toMatchObject({ type: CallbackFailureType.Unreachable, nonRetryable: false });
    expect(err.message).toBe(`callback to ${new URL(url).origin} could not be reached`);
  });

  describe('the outbound guard', () => {
    const strict = deliverCallbackActivity({ legacySecret: SECRET, logger: silentLogger, timeoutMs: 300 });

    it('refuses the receiver on 127.0.0.1 unless it is allow-listed: for good, generically, sending nothing', async () => {
      const err = await failureOf(runActivity(strict, input()));
      expect(err).toMatchObject({ type: CallbackFailureType.AddressRefused, nonRetryable: true });
      expect(err.message).toBe(
        `callback to ${new URL(receiver.url).origin} not sent: its host is not a public address (see CALLBACK_ALLOWED_HOSTS)`,
      );
      expect(receiver.received).toEqual([]);
    });

    it.each(['http://10.0.0.5:8080/cb', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:7f00:1]/cb'])(
      'refuses %s before any connection',
      async (url) => {
        const err = await failureOf(runActivity(strict, { url, event }));
        expect(err).toMatchObject({ type: CallbackFailureType.AddressRefused, nonRetryable: true });
      },
    );

    it('refuses a name resolving to a private address without naming the address', async () => {
      const guard = new OutboundGuard({ resolve: async () => [{ address: '10.1.2.3', family: 4 }] });
      const deliverVia = deliverCallbackActivity({ legacySecret: SECRET, logger: silentLogger, guard });
      const err = await failureOf(runActivity(deliverVia, { url: 'https://panel.example.com:8443/cb', event }));
      expect(err).toMatchObject({ type: CallbackFailureType.AddressRefused, nonRetryable: true });
      expect(err.message).toContain('https://panel.example.com:8443');
      expect(err.message).not.toContain('10.1.2.3');
    });

    it('delivers to an allow-listed name resolving to the receiver, connecting to the checked address', async () => {
      const port = new URL(receiver.url).port;
      const guard = new OutboundGuard({
        allow: HostAllowList.parse('127.0.0.0/8'),
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      });
      const deliverVia = deliverCallbackActivity({ legacySecret: SECRET, logger: silentLogger, guard });
      const url = `http://panel.internal:${port}/callbacks/server-queue`;
      expect(await runActivity(deliverVia, { url, event })).toMatchObject({ status: 204 });
      expect(receiver.received[0].headers.host).toBe(`panel.internal:${port}`);
    });
  });

  it.each([410, 302])('gives up at once when the receiver answers %i, naming only its origin', async (status) => {
    receiver.reply = () => ({
      status,
      headers: status === 302 ? { Location: 'http://127.0.0.1:1/elsewhere' } : undefined,
    });
    const err = await failureOf(runActivity(deliver, input()));
    expect(err).toMatchObject({ type: CallbackFailureType.Rejected, nonRetryable: true });
    expect(err.message).not.toContain('receiver-token-42');
    expect(receiver.received).toHaveLength(1);
  });

  it('sends nothing and fails retryably while the worker has neither CALLBACK_SECRETS nor CALLBACK_SECRET', async () => {
    const unsigned = deliverCallbackActivity({ logger: silentLogger });
    const err = await failureOf(runActivity(unsigned, input()));
    expect(err).toMatchObject({ type: CallbackFailureType.SecretMissing, nonRetryable: false });
    expect(err.message).toBe('no callback secret (CALLBACK_SECRETS or CALLBACK_SECRET) is set on the worker');
    expect(receiver.received).toEqual([]);
  });
});
