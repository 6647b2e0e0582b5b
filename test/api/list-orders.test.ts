import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

let h: ApiHarness;
const placed: Array<{ orderId: string; userId: number; tier: string; status: string }> = [];

interface Summary {
  orderId: string;
  status: string;
  tier: string;
  userId: number;
  createdAt: string;
  closedAt: string | null;
}
const list = (query: string) => h.http().get(`/v1/orders${query}`).set(auth);

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
  const plan: Array<[number, string, number]> = [
    [2, 'standard', 1],
    [2, 'standard', 1],
    [2, 'premium', 999],
    [3, 'free', 1],
    [2, 'standard', 1],
    [3, 'premium', 1],
  ];
  for (const [userId, tier, eggId] of plan) {
    const orderId = uniqueOrderId(`list-u${userId}`);
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId, userId, tier, eggId })).expect(202);
    placed.push({ orderId, userId, tier, status: eggId === 1 ? 'ACTIVE' : 'FAILED' });
  }
  for (const order of placed) {
    await waitFor(
      () => h.http().get(`/v1/orders/${order.orderId}`).set(auth),
      (r) => r.body.status === order.status,
    );
  }
  await waitFor(
    () => list('?status=ACTIVE&limit=100'),
    (r) => r.body.orders?.length === 5,
  );
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const ids = (orders: Summary[]) => orders.map((o) => o.orderId).sort();
const expected = (match: (o: (typeof placed)[number]) => boolean) =>
  placed
    .filter(match)
    .map((o) => o.orderId)
    .sort();

describe('GET /v1/orders', () => {
  it("lists a user's orders in Temporal's order (running first, then most recently finished), with status, tier and link", async () => {
    const res = await list('?userId=2');
    expect(res.status).toBe(200);
    const orders = res.body.orders as Summary[];
    expect(ids(orders)).toEqual(expected((o) => o.userId === 2));
    const recency = (o: Summary) => (o.closedAt === null ? Infinity : Date.parse(o.closedAt));
    expect(orders.map(recency)).toEqual(orders.map(recency).sort((a, b) => b - a));
    const failed = placed.find((o) => o.status === 'FAILED')!;
    expect(orders.find((o) => o.orderId === failed.orderId)).toEqual({
      orderId: failed.orderId,
      status: 'FAILED',
      tier: 'premium',
      userId: 2,
      createdAt: expect.any(String),
      closedAt: expect.any(String),
      links: { self: `/v1/orders/${failed.orderId}`, cancel: `/v1/orders/${failed.orderId}/cancel` },
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by status', async () => {
    const res = await list('?status=FAILED');
    expect(ids(res.body.orders)).toEqual(expected((o) => o.status === 'FAILED'));
  });

  it('filters by tier', async () => {
    const res = await list('?tier=premium');
    expect(ids(res.body.orders)).toEqual(expected((o) => o.tier === 'premium'));
  });

  it('combines filters', async () => {
    const res = await list('?userId=2&tier=standard&status=ACTIVE');
    expect(ids(res.body.orders)).toEqual(
      expected((o) => o.userId === 2 && o.tier === 'standard' && o.status === 'ACTIVE'),
    );
    expect((await list('?userId=3&status=FAILED')).body.orders).toEqual([]);
  });

  it('pages with limit and cursor through every order exactly once', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      sizes.push(res.body.orders.length);
      seen.push(...(res.body.orders as Summary[]).map((o) => o.orderId));
      cursor = res.body.nextCursor as string | null;
    } while (cursor && sizes.length < 10);
    // Temporal hands out a page token whenever a page is full, so a full last page is followed by an empty one.
    const full = Math.floor(placed.length / 2);
    expect(sizes.slice(0, full)).toEqual(Array(full).fill(2));
    expect(sizes.slice(full)).toEqual(placed.length % 2 ? [1] : [0]);
    expect([...seen].sort()).toEqual(placed.map((o) => o.orderId).sort());
  });

  it('answers 400 for a cursor used with other filters', async () => {
    const first = await list('?userId=2&limit=1');
    const res = await list(`?userId=3&limit=1&cursor=${first.body.nextCursor}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      { field: 'cursor', reason: 'belongs to a listing with other filters' },
    ]);
  });

  it('answers 400 for a cursor it did not issue', async () => {
    const res = await list('?cursor=bm90LWEtY3Vyc29y');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('cursor');
  });

  it('refuses a provisioning step as a filter, naming PROVISIONING, under which listings show them', async () => {
    const res = await list('?status=INSTALLING');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      { field: 'status', reason: expect.stringContaining('PROVISIONING') },
    ]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['status=DONE', 'status'],
    ['tier=gold', 'tier'],
    ['userId=-4', 'userId'],
    ['userId=1&userId=2', 'userId'],
    ['sort=asc', 'sort'],
  ])('answers 400 naming the parameter for ?%s', async (query, field) => {
    const res = await list(`?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_query');
    expect(res.body.error.details.issues).toEqual([{ field, reason: expect.any(String) }]);
  });

  it('answers 401 without an API key', async () => {
    await h.http().get('/v1/orders').expect(401);
  });
});
