import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { notifyOperatorsActivity, type OperatorAlert } from '../../src/activities/operator-webhook';
import { silentLogger } from '../activities/panel-harness';
import { localReceiversGuard } from '../net/local-receivers';

const alert: OperatorAlert = {
  eventId: 'order-o1:parked:1',
  type: 'order.needs_attention',
  orderId: 'o1',
  workflowId: 'order-o1',
  reason: 'STEP_RETRIES_EXHAUSTED',
  step: 'verify',
  parkedAt: '2026-01-01T00:00:00.000Z',
  errors: [{ step: 'verify', type: 'PanelUnavailable', message: '502' }],
  ledger: {
    serverId: 7,
    serverUuid: 'u',
    nodeId: 1,
    allocation: { id: 3, ip: '10.0.0.1', port: 25565 },
    reservationHeld: true,
    pendingCompensations: ['releaseAllocation', 'deleteServer'],
    failedCompensations: [],
  },
  actions: '/v1/orders/o1/actions',
};

describe('notifyOperators activity', () => {
  let server: http.Server;
  let url: string;
  let answer = 204;
  const bodies: unknown[] = [];
  const guard = localReceiversGuard();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => {
        data += c.toString();
      });
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('sends nothing without OPERATOR_WEBHOOK_URL', async () => {
    expect(await notifyOperatorsActivity({ logger: silentLogger })(alert)).toEqual({ sent: false, status: null });
  });

  it('posts a Discord message with content and embeds in the discord format', async () => {
    answer = 204;
    expect(await notifyOperatorsActivity({ url, format: 'discord', logger: silentLogger, guard })(alert)).toEqual({
      sent: true,
      status: 204,
    });
    expect(bodies.at(-1)).toMatchObject({
      content: expect.stringContaining('o1'),
      embeds: [{ title: 'Parked order o1', fields: expect.any(Array) }],
      allowed_mentions: { parse: [] },
    });
  });

  it('fails retryably on 503 and for good on 400', async () => {
    const send = notifyOperatorsActivity({ url, logger: silentLogger, guard });
    answer = 503;
    await expect(send(alert)).rejects.toMatchObject({ type: 'OperatorWebhookUnavailable', nonRetryable: false });
    answer = 400;
    const refused = await send(alert).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'OperatorWebhookRejected', nonRetryable: true });
    expect(bodies.at(-1)).toMatchObject({ eventId: 'order-o1:parked:1', reason: 'STEP_RETRIES_EXHAUSTED' });
  });
});

describe('notifyOperators activity: the outbound guard', () => {
  it('refuses a webhook at a non-public address for good, with a generic message, sending nothing', async () => {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const err = await notifyOperatorsActivity({ url, logger: silentLogger })(alert).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'OperatorWebhookAddressRefused', nonRetryable: true });
      expect((err as Error).message).not.toContain('127.0.0.1');
      expect(requests).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
