import { orderWorkflowId } from '../../src/workflows/contract';
import { DEFAULT_FLOW_POLICY } from '../../src/workflows/flow-contract';
import { auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

let h: ApiHarness;

const place = async (label: string, tier: string, userId: number): Promise<string> => {
  const orderId = uniqueOrderId(label);
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId, tier, userId })).expect(202);
  return orderId;
};
const queueOf = async (orderId: string) => {
  const res = await h.http().get(`/v1/orders/${orderId}`).set(auth).expect(200);
  return res.body.queue as { position: number | null; etaSeconds: number | null } | null;
};
const positionOf = async (orderId: string) => (await queueOf(orderId))?.position;
/** Positions come from the queue census: wait for one taken after the last change. */
const settled = () => h.awaitCensus();

describe('queue position of waiting orders (no worker: every order stays QUEUED)', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startApiHarness({ queryTimeoutMs: 300 });
    ids.free = await place('free', 'free', 10);
    ids.standard1 = await place('std1', 'standard', 11);
    ids.premium1 = await place('prem1', 'premium', 12);
    ids.standard2 = await place('std2', 'standard', 13);
    ids.premium2 = await place('prem2', 'premium', 14);
    await settled();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('puts better tiers first and orders one tier by enqueue time', async () => {
    expect(await positionOf(ids.premium1)).toBe(0);
    expect(await positionOf(ids.premium2)).toBe(1);
    expect(await positionOf(ids.standard1)).toBe(2);
    expect(await positionOf(ids.standard2)).toBe(3);
    expect(await positionOf(ids.free)).toBe(4);
  });

  it('has no ETA while nothing has been served and no provider budget is known', async () => {
    expect(await queueOf(ids.standard1)).toEqual({ position: 2, etaSeconds: null, asOf: expect.any(String) });
  });

  it('moves an order up when an order ahead of it leaves the queue, and has no queue once terminal', async () => {
    const orderId = await place('leaves', 'premium', 15);
    await settled();
    expect(await positionOf(orderId)).toBe(2);
    await h.client.workflow.getHandle(orderWorkflowId(ids.premium1)).terminate('test: leaves the queue');
    await settled();
    expect(await positionOf(orderId)).toBe(1);
    expect(await positionOf(ids.free)).toBe(4);
    const terminal = await h.http().get(`/v1/orders/${ids.premium1}`).set(auth).expect(200);
    expect(terminal.body).toMatchObject({ status: 'FAILED', queue: null });
  });

  it("lets a later order of another user through between one user's own queued orders (fairness)", async () => {
    const [a1, a2, a3] = [
      await place('burst1', 'free', 20),
      await place('burst2', 'free', 20),
      await place('burst3', 'free', 20),
    ];
    const other = await place('other', 'free', 21);
    await settled();
    const firstFree = (await positionOf(ids.free))! + 1;
    expect(await positionOf(a1)).toBe(firstFree);
    expect(await positionOf(a2)).toBe(firstFree + 1 + 1);
    expect(await positionOf(a3)).toBe(firstFree + 2 + 1);
    expect(await positionOf(other)).toBeGreaterThan(firstFree);
  });
});

const PROMOTE_FREE_AFTER_MS = 8000;

describe("queue position with promotion (an order that waited its tier's maxQueueWaitMs runs at the top priority)", () => {
  beforeAll(async () => {
    h = await startApiHarness({
      queryTimeoutMs: 300,
      flowPolicy: {
        ...DEFAULT_FLOW_POLICY,
        free: { ...DEFAULT_FLOW_POLICY.free, maxQueueWaitMs: PROMOTE_FREE_AFTER_MS },
      },
    });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('serves a promoted free order after the premium orders already queued and before later ones', async () => {
    const placing = Date.now();
    const free = await place('aging-free', 'free', 40);
    const placedAt = Date.now();
    const standard = await place('aging-std', 'standard', 41);
    const premiumEarly = await place('aging-prem', 'premium', 42);
    await settled();
    expect(await positionOf(free)).toBe(2);
    expect(Date.now() - placing).toBeLessThan(PROMOTE_FREE_AFTER_MS);
    await new Promise((resolve) => setTimeout(resolve, placedAt + PROMOTE_FREE_AFTER_MS + 100 - Date.now()));
    const premiumLate = await place('aging-prem-late', 'premium', 43);
    await settled();
    expect(await positionOf(free)).toBe(1);
    expect(await positionOf(premiumEarly)).toBe(0);
    expect(await positionOf(premiumLate)).toBe(2);
    expect(await positionOf(standard)).toBe(3);
  });
});
