import { WorkflowNotFoundError } from '@temporalio/client';
import { orderWorkflowId } from '../../src/workflows/contract';
import { DEFAULT_FLOW_POLICY } from '../../src/workflows/flow-contract';
import { auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

let h: ApiHarness;
/** Orders this file placed; each test of the first block starts with all of them gone from the queue. */
const placed: string[] = [];
/** A user id no other test uses (positions between one user's orders depend on fairness). */
let lastUser = 100;
const newUser = () => ++lastUser;

const place = async (label: string, tier: string, userId = newUser()): Promise<string> => {
  const orderId = uniqueOrderId(label);
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId, tier, userId })).expect(202);
  placed.push(orderId);
  return orderId;
};
const leave = async (orderId: string) => {
  await h.client.workflow
    .getHandle(orderWorkflowId(orderId))
    .terminate('test: leaves the queue')
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
};
const queueOf = async (orderId: string) => {
  const res = await h.http().get(`/v1/orders/${orderId}`).set(auth).expect(200);
  return res.body.queue as { position: number | null; etaSeconds: number | null } | null;
};
const positionOf = async (orderId: string) => (await queueOf(orderId))?.position;
/** Positions come from the queue census: wait for one taken after the last change. */
const settled = () => h.awaitCensus();

/** Five orders of five users, placed in this order: free, standard, premium, standard, premium. */
async function placeFive() {
  const ids = {
    free: await place('free', 'free'),
    standard1: await place('std1', 'standard'),
    premium1: await place('prem1', 'premium'),
    standard2: await place('std2', 'standard'),
    premium2: await place('prem2', 'premium'),
  };
  await settled();
  return ids;
}

describe('queue position of waiting orders (no worker: every order stays QUEUED)', () => {
  beforeAll(async () => {
    h = await startApiHarness({ queryTimeoutMs: 300 });
  });

  beforeEach(async () => {
    for (const orderId of placed.splice(0)) await leave(orderId);
    await settled();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('puts better tiers first and orders one tier by enqueue time', async () => {
    const ids = await placeFive();
    expect(await positionOf(ids.premium1)).toBe(0);
    expect(await positionOf(ids.premium2)).toBe(1);
    expect(await positionOf(ids.standard1)).toBe(2);
    expect(await positionOf(ids.standard2)).toBe(3);
    expect(await positionOf(ids.free)).toBe(4);
  });

  it('has no ETA while nothing has been served and no provider budget is known', async () => {
    const ids = await placeFive();
    expect(await queueOf(ids.standard1)).toEqual({ position: 2, etaSeconds: null, asOf: expect.any(String) });
  });

  it('moves an order up when an order ahead of it leaves the queue, and has no queue once terminal', async () => {
    const ids = await placeFive();
    const orderId = await place('leaves', 'premium');
    await settled();
    expect(await positionOf(orderId)).toBe(2);
    await leave(ids.premium1);
    await settled();
    expect(await positionOf(orderId)).toBe(1);
    expect(await positionOf(ids.free)).toBe(4);
    const terminal = await h.http().get(`/v1/orders/${ids.premium1}`).set(auth).expect(200);
    expect(terminal.body).toMatchObject({ status: 'FAILED', queue: null });
  });

  it("lets a later order of another user through between one user's own queued orders (fairness)", async () => {
    const ids = await placeFive();
    const burstUser = newUser();
    const [a1, a2, a3] = [
      await place('burst1', 'free', burstUser),
      await place('burst2', 'free', burstUser),
      await place('burst3', 'free', burstUser),
    ];
    const other = await place('other', 'free');
    await settled();
    expect(await positionOf(ids.free)).toBe(4);
    expect(await positionOf(a1)).toBe(5);
    expect(await positionOf(a2)).toBe(5 + 1 + 1);
    expect(await positionOf(a3)).toBe(5 + 2 + 1);
    expect(await positionOf(other)).toBeGreaterThan(5);
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
    const free = await place('aging-free', 'free');
    const placedAt = Date.now();
    const standard = await place('aging-std', 'standard');
    const premiumEarly = await place('aging-prem', 'premium');
    await settled();
    expect(await positionOf(free)).toBe(2);
    expect(Date.now() - placing).toBeLessThan(PROMOTE_FREE_AFTER_MS);
    await new Promise((resolve) => setTimeout(resolve, placedAt + PROMOTE_FREE_AFTER_MS + 100 - Date.now()));
    const premiumLate = await place('aging-prem-late', 'premium');
    await settled();
    expect(await positionOf(free)).toBe(1);
    expect(await positionOf(premiumEarly)).toBe(0);
    expect(await positionOf(premiumLate)).toBe(2);
    expect(await positionOf(standard)).toBe(3);
  });
});
