import { CancelledFailure } from '@temporalio/common';
import { deliverCallbackActivity } from '../../src/activities/callback';
import { CallbackFailureType, type CallbackEvent, type DeliverCallbackInput } from '../../src/callbacks/contract';
import { mockActivityEnv, rejectionOf, runActivity, silentLogger } from '../activities/panel-harness';
import { OutboundGuard } from '../../src/net/outbound-guard';
import { localReceiversGuard } from '../net/local-receivers';
import { capturingLogger } from './capturing-logger';
import { startReceiver, type Receiver } from './receiver';

const SECRET = 'answers-test-secret-0123456789abcdef';
const HOUR_MS = 60 * 60_000;

const event = {
  id: 'order-cb-2:active:1',
  type: 'order.active',
  orderId: 'cb-2',
  status: 'ACTIVE',
  occurredAt: '2025-01-01T00:00:00.000Z',
} as unknown as CallbackEvent;

describe('deliverCallback activity: what each answer means', () => {
  let receiver: Receiver;
  const deliver = deliverCallbackActivity({
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
  const input = (): DeliverCallbackInput => ({ url: receiver.url, event });
  const origin = () => new URL(receiver.url).origin;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it.each([200, 299])('delivers on %i', async (status) => {
    receiver.reply = () => ({ status });
    expect(await runActivity(deliver, input())).toEqual({ status, attempt: 1 });
  });

  it.each([300, 304, 399])('gives up on %i, saying it is not retried', async (status) => {
    receiver.reply = () => ({ status });
    const err = await rejectionOf(runActivity(deliver, input()));
    expect(err).toMatchObject({ type: CallbackFailureType.Rejected, nonRetryable: true });
    expect(err.message).toBe(`callback to ${origin()} answered ${status}; not retried`);
  });

  it('identifies itself as server-queue-callbacks/1', async () => {
    await runActivity(deliver, input());
    expect(receiver.received[0].headers['user-agent']).toBe('server-queue-callbacks/1');
  });

  it('does not time out a receiver answering after 1.2 s by default (10 s)', async () => {
    const patient = deliverCallbackActivity({
      legacySecret: SECRET,
      logger: silentLogger,
      guard: localReceiversGuard(),
    });
    receiver.reply = () => ({ status: 204, delayMs: 1200 });
    expect(await runActivity(patient, input())).toMatchObject({ status: 204 });
  });

  it('times out with the timeout failure, naming the receiver', async () => {
    receiver.reply = () => ({ status: 204, delayMs: 2000 });
    const err = await rejectionOf(runActivity(impatient, input()));
    expect(err).toMatchObject({ type: CallbackFailureType.Timeout, nonRetryable: false });
    expect(err.message).toBe(`callback to ${origin()} timed out`);
  });

  describe('Retry-After', () => {
    const delayOf = async (status: number, retryAfter: string) => {
      receiver.reply = () => ({ status, headers: { 'Retry-After': retryAfter } });
      const err = await rejectionOf(runActivity(deliver, input()));
      return (err as { nextRetryDelay?: unknown }).nextRetryDelay;
    };

    it('is honoured on a refusal (4xx) as on a 429', async () => {
      expect(await delayOf(403, '12')).toBe(12_000);
      expect(await delayOf(429, '3')).toBe(3000);
    });

    it('takes an HTTP date as the time left until it', async () => {
      const delay = await delayOf(503, new Date(Date.now() + 90_000).toUTCString());
      expect(delay).toBeGreaterThan(85_000);
      expect(delay).toBeLessThanOrEqual(90_000);
    });

    it('is capped at one hour', async () => {
      expect(await delayOf(503, '86400')).toBe(HOUR_MS);
      expect(await delayOf(503, new Date(Date.now() + 3 * HOUR_MS).toUTCString())).toBe(HOUR_MS);
    });

    it.each([
      ['0', '0'],
      ['no date', 'soon'],
      ['a date past', new Date(Date.now() - 60_000).toUTCString()],
      ['a fraction, which Date.parse reads as a past date', '1.5'],
      ['hexadecimal', '0x10'],
    ])('leaves the retry policy in charge when it says %s', async (_, value) => {
      expect(await delayOf(503, value)).toBeUndefined();
    });

    it('is not used when the receiver gives up for good', async () => {
      expect(await delayOf(410, '30')).toBeUndefined();
    });
  });

  it('names an unparseable URL generically and fails without sending', async () => {
    const err = await rejectionOf(runActivity(deliver, { url: 'not a url?token=secret-42', event }));
    expect(err).toMatchObject({ type: CallbackFailureType.Unreachable, nonRetryable: false });
    expect(err.message).toBe('callback to an invalid URL could not be reached');
    expect(err.message).not.toContain('secret-42');
  });

  it('stops at once when the activity is cancelled, rather than reporting a failed delivery', async () => {
    receiver.reply = () => ({ status: 204, delayMs: 5000 });
    const patient = deliverCallbackActivity({
      legacySecret: SECRET,
      logger: silentLogger,
      guard: localReceiversGuard(),
    });
    const env = mockActivityEnv();
    const run = rejectionOf(runActivity(patient, input(), env));
    await new Promise((resolve) => setTimeout(resolve, 200));
    env.cancel('CANCELLED');
    const started = Date.now();
    expect(await run).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  describe("the worker's log", () => {
    it('has the network error in full, which the failure leaves out, as a warning while retrying', async () => {
      const logger = capturingLogger();
      const url = receiver.url;
      await receiver.close();
      const quiet = deliverCallbackActivity({
        legacySecret: SECRET,
        logger: logger.pino,
        guard: localReceiversGuard(),
      });
      const err = await rejectionOf(runActivity(quiet, { url, event }));
      receiver = await startReceiver();
      expect(err.message).not.toContain('ECONNREFUSED');
      const [line] = logger.lines();
      expect(line).toMatchObject({
        level: 'warn',
        msg: 'callback failed; will retry',
        type: CallbackFailureType.Unreachable,
        reason: err.message,
        eventId: event.id,
        receiver: new URL(url).origin,
      });
      expect(line.detail).toContain('ECONNREFUSED');
    });

    it('has the cause of a failure that names one, as a name that does not resolve', async () => {
      const logger = capturingLogger();
      const guard = new OutboundGuard({
        resolve: async () => {
          throw new Error('lookup failed', { cause: new Error('SERVFAIL from 10.0.0.53') });
        },
      });
      const lost = deliverCallbackActivity({ legacySecret: SECRET, logger: logger.pino, guard });
      const err = await rejectionOf(runActivity(lost, { url: 'https://panel.example.com/cb', event }));
      expect(err).toMatchObject({ type: CallbackFailureType.Unreachable, nonRetryable: false });
      expect(err.message).not.toContain('SERVFAIL');
      expect(logger.lines()[0].detail).toBe('lookup failed: SERVFAIL from 10.0.0.53');
    });

    it('has a thrown value that is not an Error as text', async () => {
      const logger = capturingLogger();
      const guard = new OutboundGuard({
        resolve: async () => {
          throw 'resolver plugin gave up';
        },
      });
      const lost = deliverCallbackActivity({ legacySecret: SECRET, logger: logger.pino, guard });
      await rejectionOf(runActivity(lost, { url: 'https://panel.example.com/cb', event }));
      expect(logger.lines()[0].detail).toBe('resolver plugin gave up');
    });

    it('says as an error that a final refusal is given up, with no detail for an answer', async () => {
      const logger = capturingLogger();
      receiver.reply = () => ({ status: 410 });
      const loud = deliverCallbackActivity({ legacySecret: SECRET, logger: logger.pino, guard: localReceiversGuard() });
      await rejectionOf(runActivity(loud, input()));
      const [line] = logger.lines();
      expect(line).toMatchObject({
        level: 'error',
        msg: 'callback refused; giving up',
        type: CallbackFailureType.Rejected,
      });
      expect(line).not.toHaveProperty('detail');
    });
  });
});
