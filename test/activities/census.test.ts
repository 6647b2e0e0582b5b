import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SearchAttributePair } from '@temporalio/common';
import { censusActivities } from '../../src/activities/census';
import { statusIndex, tierIndex, type QueueCensus } from '../../src/workflows/census-contract';
import {
  OrderStatusAttribute,
  PROVISION_WORKFLOW_TYPE,
  TierAttribute,
  UserIdAttribute,
} from '../../src/workflows/contract';
import { startDevServerEnv } from '../engines';

jest.setTimeout(120_000);

// On the dev server (the census reads visibility): orders stand in as workflows of the order's type with the order
// search attributes; those still running have no worker, those finished ran on a worker and ended at once.
let env: TestWorkflowEnvironment;
const started = new Map<string, number>();
const closed = new Map<string, number>();

type Attributes = { status?: string; tier?: string; userId?: number };

function attributes({ status, tier, userId }: Attributes): SearchAttributePair[] {
  return [
    ...(status ? [{ key: OrderStatusAttribute, value: status }] : []),
    ...(tier ? [{ key: TierAttribute, value: tier }] : []),
    ...(userId !== undefined ? [{ key: UserIdAttribute, value: userId }] : []),
  ] as SearchAttributePair[];
}

async function startOrder(id: string, taskQueue: string, attrs: Attributes, type = PROVISION_WORKFLOW_TYPE) {
  const handle = await env.client.workflow.start(type, {
    workflowId: id,
    taskQueue,
    typedSearchAttributes: attributes(attrs),
  });
  started.set(id, (await handle.describe()).startTime.getTime());
  return handle;
}

const RUNNING: Array<[string, Attributes]> = [
  ['queued-premium', { status: 'QUEUED', tier: 'premium', userId: 1 }],
  ['capacity-free', { status: 'WAITING_FOR_CAPACITY', tier: 'free', userId: 2 }],
  ['provider-standard', { status: 'WAITING_FOR_PROVIDER', tier: 'standard', userId: 3 }],
  ['creating-standard', { status: 'CREATING', tier: 'standard', userId: 4 }],
  ['provisioning-premium', { status: 'PROVISIONING', tier: 'premium', userId: 5 }],
  ['parked-free', { status: 'NEEDS_ATTENTION', tier: 'free', userId: 6 }],
  ['queued-no-user', { status: 'QUEUED', tier: 'standard' }],
  ['no-tier', { status: 'QUEUED', userId: 7 }],
  ['unknown-tier', { status: 'QUEUED', tier: 'gold', userId: 8 }],
  ['unknown-status', { status: 'BOGUS', tier: 'free', userId: 9 }],
  ['no-status', { tier: 'free', userId: 10 }],
];
const FINISHED: Array<[string, Attributes]> = [
  ['active-premium', { status: 'ACTIVE', tier: 'premium', userId: 1 }],
  ['failed-standard', { status: 'FAILED', tier: 'standard', userId: 2 }],
  ['cancelled-free', { status: 'CANCELLED', tier: 'free', userId: 3 }],
  ['active-no-tier', { status: 'ACTIVE', userId: 4 }],
  ['active-no-user', { status: 'ACTIVE', tier: 'free' }],
  ['active-gold', { status: 'ACTIVE', tier: 'gold', userId: 5 }],
];

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await startDevServerEnv();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'census-finished',
    workflowsPath: require.resolve('./census/order-stand-ins'),
  });
  await worker.runUntil(async () => {
    for (const [id, attrs] of FINISHED) await (await startOrder(id, 'census-finished', attrs)).result();
  });
  for (const [id] of FINISHED) {
    closed.set(id, (await env.client.workflow.getHandle(id).describe()).closeTime!.getTime());
  }
  for (const [id, attrs] of RUNNING) await startOrder(id, 'census-idle', attrs);
  await startOrder('an-entity', 'census-idle', { status: 'QUEUED', tier: 'free', userId: 11 }, 'serverLifecycle');
  for (let visible = 0; visible < FINISHED.length + RUNNING.length + 1;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    visible = (await env.client.workflow.count()).count;
  }
});

afterAll(async () => {
  await env?.teardown();
});

const take = (finished: boolean, intervalMs: number, client: Client = env.client): Promise<QueueCensus> =>
  censusActivities({ client }).takeCensus({ taskQueue: 'census-idle', finished, intervalMs });

/** A visibility request the census made: when it was sent, what it asked, and how many executions a list answered. */
type Request = { at: number; query: string; listed?: number };

/** The dev server's client, recording each request; with `pageSize`, its list pages are cut to that many executions. */
function recordingClient(requests: Request[], pageSize?: number): Client {
  const service = env.client.workflowService;
  const workflowService = {
    async countWorkflowExecutions(request: Parameters<typeof service.countWorkflowExecutions>[0]) {
      requests.push({ at: Date.now(), query: request.query ?? '' });
      return service.countWorkflowExecutions(request);
    },
    async listWorkflowExecutions(request: Parameters<typeof service.listWorkflowExecutions>[0]) {
      const sent: Request = { at: Date.now(), query: request.query ?? '' };
      requests.push(sent);
      const page = await service.listWorkflowExecutions(pageSize ? { ...request, pageSize } : request);
      sent.listed = page.executions.length;
      return page;
    },
  };
  return { options: env.client.options, workflowService } as unknown as Client;
}

const at = (id: string) => started.get(id)!;
const runningPages = (requests: Request[]) =>
  requests.filter((r) => r.query.includes("'Running'")).map((r) => r.listed);

describe("the queue census on the dev server's visibility", () => {
  it('counts running orders by recorded status and tier, a step as PROVISIONING, and leaves out what it cannot place', async () => {
    const census = await take(false, 3_600_000);
    expect(census.running).toEqual({
      byStatusTier: {
        QUEUED: { premium: 1, standard: 1, free: 0 },
        WAITING_FOR_CAPACITY: { premium: 0, standard: 0, free: 1 },
        WAITING_FOR_PROVIDER: { premium: 0, standard: 1, free: 0 },
        PROVISIONING: { premium: 1, standard: 1, free: 0 },
        NEEDS_ATTENTION: { premium: 0, standard: 0, free: 1 },
      },
      counted: 7,
      truncated: false,
    });
    expect(census.intervalMs).toBe(3_600_000);
    expect(census.finished).toBeNull();
  });

  it('lists the waiting orders oldest first, each with tier, user, start and status; none without a user', async () => {
    const census = await take(false, 3_600_000);
    expect(census.waiting).toEqual([
      [tierIndex('premium'), 1, at('queued-premium'), statusIndex('QUEUED')],
      [tierIndex('free'), 2, at('capacity-free'), statusIndex('WAITING_FOR_CAPACITY')],
      [tierIndex('standard'), 3, at('provider-standard'), statusIndex('WAITING_FOR_PROVIDER')],
    ]);
  });

  it('lists the orders past waiting that started within two intervals, and none when all started before', async () => {
    const wide = await take(false, 3_600_000);
    expect(wide.recent).toEqual(
      expect.arrayContaining([
        [tierIndex('standard'), 4, at('creating-standard')],
        [tierIndex('premium'), 5, at('provisioning-premium')],
        [tierIndex('free'), 6, at('parked-free')],
      ]),
    );
    expect(wide.recent).toHaveLength(3);
    const narrow = await take(false, 1);
    expect(narrow.recent).toEqual([]);
    expect(narrow.waiting).toHaveLength(3);
  });

  it('counts the orders served (ACTIVE or FAILED) in the window and the mean turnaround of the last finished', async () => {
    const census = await take(false, 3_600_000);
    expect(census.served).toEqual({ windowMs: 10 * 60_000, count: 5 });
    const turnarounds = FINISHED.map(([id]) => closed.get(id)! - at(id));
    expect(census.turnaround).toEqual({
      sample: FINISHED.length,
      meanMs: Math.round(turnarounds.reduce((sum, ms) => sum + ms, 0) / turnarounds.length),
    });
  });

  it('sees the orders that closed ACTIVE within two intervals, with tier and user, and none in a narrow window', async () => {
    const wide = await take(false, 3_600_000);
    expect(wide.recentlyActive).toEqual([
      [tierIndex('premium'), 1, at('active-premium'), closed.get('active-premium')],
    ]);
    expect((await take(false, 1)).recentlyActive).toEqual([]);
  });

  it('with `finished`, counts the retained finished orders by status and tier, one paced request each', async () => {
    const before = Date.now();
    const census = await take(true, 3_600_000);
    const elapsed = Date.now() - before;
    expect(census.finished).toEqual({
      takenAt: census.takenAt,
      byStatusTier: {
        ACTIVE: { premium: 1, standard: 0, free: 1 },
        FAILED: { premium: 0, standard: 1, free: 0 },
        CANCELLED: { premium: 0, standard: 0, free: 1 },
      },
    });
    expect(census.visibilityCalls).toBe(3 + 9);
    expect(elapsed).toBeGreaterThanOrEqual(11 * 110);
    expect(Date.parse(census.takenAt)).toBeGreaterThanOrEqual(before);
  });

  it('reads the running orders a page at a time, at most five pages, and says when it stopped short', async () => {
    const requests: Request[] = [];
    const whole = await take(false, 3_600_000, recordingClient(requests, 3));
    expect(runningPages(requests)).toEqual([3, 3, 3, 2]);
    expect(whole.running.counted).toBe(7);
    expect(whole.running.truncated).toBe(false);
    expect(whole.waiting).toHaveLength(3);
    expect(whole.visibilityCalls).toBe(6);

    requests.length = 0;
    const cut = await take(false, 3_600_000, recordingClient(requests, 2));
    expect(runningPages(requests)).toEqual([2, 2, 2, 2, 2]);
    expect(cut.running.truncated).toBe(true);
    expect(cut.visibilityCalls).toBe(7);
  });

  it('asks its three questions of visibility, one request at least 110 ms after the one before', async () => {
    const requests: Request[] = [];
    const census = await take(false, 3_600_000, recordingClient(requests));
    const orders = "WorkflowType = 'provisionServer'";
    const windowStart = new Date(Date.parse(census.takenAt) - 10 * 60_000).toISOString();
    expect(requests.map((r) => r.query).sort()).toEqual(
      [
        `${orders} AND ExecutionStatus = 'Completed'`,
        `${orders} AND ExecutionStatus = 'Completed' AND OrderStatus IN ('ACTIVE', 'FAILED') AND CloseTime > '${windowStart}'`,
        `${orders} AND ExecutionStatus = 'Running'`,
      ].sort(),
    );
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(105);
  });
});
