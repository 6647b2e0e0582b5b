import {
  notifyOperatorsActivity,
  operatorWebhookBody,
  OperatorWebhookFailureType,
  type OperatorAlert,
} from '../../src/activities/operator-webhook';
import type { ReconciliationAlert } from '../../src/workflows/operator-alert-contract';
import { startReceiver, type Receiver } from '../callbacks/receiver';
import { localReceiversGuard } from '../net/local-receivers';
import { capturingLogger } from '../callbacks/capturing-logger';
import { rejectionOf, silentLogger } from './panel-harness';

const parked: OperatorAlert = {
  eventId: 'order-o2:parked:1',
  type: 'order.needs_attention',
  orderId: 'o2',
  workflowId: 'order-o2',
  reason: 'COMPENSATION_FAILED',
  step: 'compensate',
  parkedAt: '2026-01-01T00:00:00.000Z',
  errors: [
    { step: 'create', type: 'PanelUnavailable', message: 'first' },
    { step: 'create', type: 'PanelUnavailable', message: 'second' },
    { step: 'compensate', type: 'PanelUnavailable', message: 'x'.repeat(1200) },
  ],
  ledger: {
    serverId: 7,
    serverUuid: 'u',
    nodeId: 3,
    allocation: { id: 3, ip: '10.0.0.1', port: 25565 },
    reservationHeld: true,
    pendingCompensations: ['releaseAllocation', 'deleteServer'],
    failedCompensations: [],
  },
  actions: '/v1/orders/o2/actions',
};

const bare: OperatorAlert = {
  ...parked,
  errors: [],
  ledger: { ...parked.ledger, serverId: null, nodeId: null, allocation: null, pendingCompensations: [] },
};

const sweep: ReconciliationAlert = {
  eventId: 'reconcile-1:findings',
  type: 'reconciliation.findings',
  startedAt: '2026-01-02T00:00:00.000Z',
  counts: { strays: 2, lost: 1, drift: 0 },
  summary: Array.from({ length: 25 }, (_, i) => `finding ${i + 1}`),
  report: '/v1/reconciliation/reconcile-1',
};

describe('the operators webhook body', () => {
  it('is the notice itself in the json format', () => {
    expect(operatorWebhookBody(parked, 'json')).toBe(parked);
    expect(operatorWebhookBody(sweep, 'json')).toBe(sweep);
  });

  it('is a Discord message for a parked order, every ledger fact in a field, the last error cut at 1000', () => {
    expect(operatorWebhookBody(parked, 'discord')).toEqual({
      content: 'Order o2 needs attention (COMPENSATION_FAILED)',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'Parked order o2',
          description: 'POST /v1/orders/o2/actions with retry-step, rollback or mark-resolved',
          timestamp: '2026-01-01T00:00:00.000Z',
          fields: [
            { name: 'Reason', value: 'COMPENSATION_FAILED', inline: true },
            { name: 'Step', value: 'compensate', inline: true },
            { name: 'Server', value: '7 on node 3', inline: true },
            { name: 'Allocation', value: '10.0.0.1:25565', inline: true },
            { name: 'Pending rollback', value: 'releaseAllocation, deleteServer', inline: true },
            { name: 'Last error', value: `PanelUnavailable: ${'x'.repeat(1200)}`.slice(0, 1000) },
          ],
        },
      ],
    });
  });

  it('says what is not known for an order parked before anything was made', () => {
    const body = operatorWebhookBody(bare, 'discord') as { embeds: Array<{ fields: unknown[] }> };
    expect(body.embeds[0].fields).toEqual([
      { name: 'Reason', value: 'COMPENSATION_FAILED', inline: true },
      { name: 'Step', value: 'compensate', inline: true },
      { name: 'Server', value: 'none known', inline: true },
      { name: 'Allocation', value: 'none', inline: true },
      { name: 'Pending rollback', value: 'none', inline: true },
    ]);
    const nodeless = { ...bare, ledger: { ...bare.ledger, serverId: 9 } };
    expect((operatorWebhookBody(nodeless, 'discord') as typeof body).embeds[0].fields[2]).toEqual({
      name: 'Server',
      value: '9 on node ?',
      inline: true,
    });
  });

  it("is a Discord message for a sweep's findings: the counts, the first 20 lines and where the report is", () => {
    expect(operatorWebhookBody(sweep, 'discord')).toEqual({
      content: 'Reconciliation sweep: 2 stray, 1 lost, 0 drifted server(s)',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'Reconciliation findings',
          description: `${sweep.summary.slice(0, 20).join('\n')}\n\nGET /v1/reconciliation/reconcile-1`,
          timestamp: '2026-01-02T00:00:00.000Z',
        },
      ],
    });
  });

  it("keeps a sweep's Discord description within 4000 characters", () => {
    const long = { ...sweep, summary: Array.from({ length: 20 }, () => 'y'.repeat(400)) };
    const body = operatorWebhookBody(long, 'discord') as { embeds: Array<{ description: string }> };
    expect(body.embeds[0].description).toHaveLength(4000);
  });
});

describe('notifyOperators activity: what each answer means', () => {
  let receiver: Receiver;
  const guard = localReceiversGuard();
  const notify = (timeoutMs = 5000) =>
    notifyOperatorsActivity({ url: receiver.url, logger: silentLogger, guard, timeoutMs });

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('posts the notice as JSON, named by its event id', async () => {
    expect(await notify()(sweep)).toEqual({ sent: true, status: 204 });
    const [request] = receiver.received;
    expect(JSON.parse(request.body)).toEqual(sweep);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'server-queue-operators/1',
      'x-event-id': 'reconcile-1:findings',
    });
  });

  it.each([200, 299])('counts %i as sent', async (status) => {
    receiver.reply = () => ({ status });
    expect(await notify()(parked)).toEqual({ sent: true, status });
  });

  it.each([408, 429, 500, 503])('fails retryably on %i', async (status) => {
    receiver.reply = () => ({ status });
    const err = await rejectionOf(notify()(parked));
    expect(err).toMatchObject({ type: OperatorWebhookFailureType.Unavailable, nonRetryable: false });
    expect(err.message).toBe(`operator webhook answered ${status}`);
  });

  it.each([300, 302, 404, 410])('gives up on %i', async (status) => {
    receiver.reply = () => ({ status });
    const err = await rejectionOf(notify()(parked));
    expect(err).toMatchObject({ type: OperatorWebhookFailureType.Rejected, nonRetryable: true });
    expect(err.message).toBe(`operator webhook answered ${status}`);
  });

  it('fails retryably when nothing listens', async () => {
    const send = notify();
    await receiver.close();
    const err = await rejectionOf(send(parked));
    receiver = await startReceiver();
    expect(err).toMatchObject({ type: OperatorWebhookFailureType.Unavailable, nonRetryable: false });
    expect(err.message).toBe('operator webhook unreachable');
  });

  it('fails retryably after its timeout, and by default (10 s) waits for an answer after 1.2 s', async () => {
    receiver.reply = () => ({ status: 204, delayMs: 1200 });
    expect(await rejectionOf(notify(300)(parked))).toMatchObject({ type: OperatorWebhookFailureType.Unavailable });
    const patient = notifyOperatorsActivity({ url: receiver.url, logger: silentLogger, guard });
    expect(await patient(parked)).toEqual({ sent: true, status: 204 });
  });

  it('refuses a non-public address for good, saying where to allow it', async () => {
    const strict = notifyOperatorsActivity({ url: receiver.url, logger: silentLogger });
    const err = await rejectionOf(strict(parked));
    expect(err).toMatchObject({ type: OperatorWebhookFailureType.AddressRefused, nonRetryable: true });
    expect(err.message).toBe(
      'operator webhook not sent: its host is not a public address (see CALLBACK_ALLOWED_HOSTS)',
    );
    expect(receiver.received).toEqual([]);
  });

  it("names the notice in the worker's log, with what went wrong", async () => {
    const logger = capturingLogger();
    const send = notifyOperatorsActivity({ url: receiver.url, logger: logger.pino, guard });
    await send(sweep);
    receiver.reply = () => ({ status: 404 });
    await rejectionOf(send(parked));
    await receiver.close();
    await rejectionOf(send(parked));
    receiver = await startReceiver();
    const [sent, refused, unreachable] = logger.lines();
    expect(sent).toMatchObject({ msg: 'operator webhook sent', eventId: sweep.eventId, type: sweep.type, status: 204 });
    expect(refused).toMatchObject({ msg: 'operator webhook refused', eventId: parked.eventId, status: 404 });
    expect(unreachable).toMatchObject({ msg: 'operator webhook failed; will retry', eventId: parked.eventId });
    expect(unreachable.detail).toContain('ECONNREFUSED');
  });
});
