import type { ApiKey } from '../../src/api/api-keys';
import type { HistorySeries, QueueHistoryView } from '../../src/api/history-series';
import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

const READER: ApiKey = { name: 'grafana', role: 'read', secret: 'read-secret-0123456789abcdef' };
const reader = { Authorization: `Bearer ${READER.secret}` };

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 2000, apiKeys: [READER] });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const history = async (): Promise<QueueHistoryView> =>
  (await h.http().get('/v1/queue/history').set(reader).expect(200)).body as QueueHistoryView;
const named = (view: QueueHistoryView, name: string): HistorySeries => view.series.find((s) => s.name === name)!;
const sum = (s: HistorySeries) => s.values.reduce<number>((total, v) => total + (v ?? 0), 0);

describe('GET /v1/queue/history', () => {
  it('needs a key', async () => {
    const res = await h.http().get('/v1/queue/history').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers a read key with every series, its unit, window and the minute times', async () => {
    const view = await history();
    expect(view).toMatchObject({ bucketSeconds: 60, window: { seconds: 3600 } });
    expect(view.times).toHaveLength(60);
    for (const s of view.series) {
      expect(s.values).toHaveLength(60);
      expect(s).toMatchObject({ unit: expect.any(String), windowSeconds: 60, source: expect.any(String) });
    }
  });

  it('counts the orders accepted and finished, and their waits to dispatch, from the census only', async () => {
    await waitFor(history, (v) => named(v, 'accepted').points > 0, 30_000);
    const orders = await Promise.all(
      [1, 2, 3].map(async (userId) => {
        const orderId = uniqueOrderId('history');
        await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId, userId })).expect(202);
        return orderId;
      }),
    );
    for (const orderId of orders)
      await waitFor(
        () => h.http().get(`/v1/orders/${orderId}`).set(auth),
        (r) => r.body.status === 'ACTIVE',
        60_000,
      );
    const since = Date.now();
    const view = await waitFor(history, (v) => sum(named(v, 'finished')) >= 3, 30_000);
    expect(sum(named(view, 'accepted'))).toBeGreaterThanOrEqual(3);
    expect(sum(named(view, 'finished'))).toBeGreaterThanOrEqual(3);
    expect(named(view, 'waitP50.standard').points).toBeGreaterThan(0);
    expect(named(view, 'providerLimit').points).toBeGreaterThan(0);
    for (let i = 0; i < 5; i += 1) await history();
    expect(h.visibility.api.since(since)).toBe(0);
  });
});
