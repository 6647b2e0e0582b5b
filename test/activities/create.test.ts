import { createActivities, createReservationLedger, type AllocationReservations } from '../../src/activities';
import type { AllocatedSlot, ProvisioningActivities } from '../../src/workflows/activity-contract';
import type { Order } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  activityDeps,
  callCount,
  directServer,
  type PanelHarness,
  paperOrder,
  runActivity,
  serversOf,
  usePanel,
} from './panel-harness';

describe('create activity', () => {
  let panel: PanelHarness;
  let reservations: AllocationReservations;
  let activities: ProvisioningActivities;
  const place = async (order: Order): Promise<AllocatedSlot> =>
    activities.allocate({ order, excludeAllocationIds: [] });
  /** As the workflow creates for orders started with the own-server marker. */
  const create = (order: Order, slot: AllocatedSlot, lookFirst?: boolean) =>
    runActivity(activities.create, { order, slot, externalId: ownExternalId(order.orderId), lookFirst });

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    reservations = createReservationLedger();
    activities = createActivities(activityDeps(panel, { reservations }));
  });

  it('creates the server with its own-server marker as external_id, egg image/startup and merged environment', async () => {
    const order = paperOrder('create-1', { eggId: 2, environment: { DIFFICULTY: 'hard' } });
    const slot = await place(order);
    const result = await create(order, slot);
    expect(result).toMatchObject({
      adopted: false,
      server: { allocation: { id: slot.allocationId, port: slot.port }, node: slot.nodeId },
    });
    const [server] = serversOf(await panel.state(), 'create-1');
    expect(server).toMatchObject({
      id: result.server.id,
      egg: 2,
      user: order.userId,
      allocation: slot.allocationId,
      limits: expect.objectContaining(order.limits),
      feature_limits: order.featureLimits,
      container: expect.objectContaining({ image: 'ghcr.io/pterodactyl/yolks:java_17' }),
    });
    expect(server.container.environment).toMatchObject({
      DIFFICULTY: 'hard',
      MAX_PLAYERS: '20',
      VANILLA_VERSION: 'latest',
      SERVER_JARFILE: 'server.jar',
    });
    expect(reservations.list()).toEqual([]);
  });

  it('adopts the existing server when repeated with lookFirst, without a second POST', async () => {
    const order = paperOrder('create-twice');
    const slot = await place(order);
    const first = await create(order, slot);
    const second = await create(order, slot, true);
    expect(second).toEqual({ ...first, adopted: true });
    const state = await panel.state();
    expect(serversOf(state, 'create-twice')).toHaveLength(1);
    expect(callCount(state, 'POST /servers')).toBe(1);
  });

  it('creates with a single request on a first attempt, and still adopts when the panel says the external_id is taken', async () => {
    const order = paperOrder('create-blind-repeat');
    const slot = await place(order);
    const first = await create(order, slot);
    const afterFirst = await panel.state();
    expect(callCount(afterFirst, 'POST /servers')).toBe(1);
    expect(callCount(afterFirst, 'GET /servers/external/{external_id}')).toBe(0);
    const second = await create(order, slot);
    expect(second).toEqual({ ...first, adopted: true });
    const state = await panel.state();
    expect(serversOf(state, 'create-blind-repeat')).toHaveLength(1);
    expect(callCount(state, 'POST /servers')).toBe(2);
  });

  it('adopts the server when the POST timed out although the panel created it', async () => {
    const order = paperOrder('create-timeout');
    const slot = await place(order);
    await panel.faults({ createTimeoutButSucceedsRate: 1 });
    const result = await create(order, slot);
    await panel.faults({});
    expect(result.adopted).toBe(true);
    const state = await panel.state();
    expect(serversOf(state, 'create-timeout')).toEqual([expect.objectContaining({ id: result.server.id })]);
    expect(callCount(state, 'POST /servers')).toBe(1);
  });

  it('reports AllocationTaken when another server took the allocation first', async () => {
    const order = paperOrder('create-taken');
    const slot = await place(order);
    await panel.client().createServer(directServer('someone-else', slot.allocationId));
    await expect(create(order, slot)).rejects.toMatchObject({
      type: 'AllocationTaken',
      nonRetryable: true,
      details: [{ allocationId: slot.allocationId }],
    });
    expect(serversOf(await panel.state(), 'create-taken')).toEqual([]);
  });

  it("fails permanently with InvalidEnvironment, sending nothing, when a value breaks the egg's rule", async () => {
    const order = paperOrder('create-invalid', { eggId: 2, environment: { DIFFICULTY: 'impossible' } });
    const slot = await place(order);
    const creates = callCount(await panel.state(), 'POST /servers');
    await expect(create(order, slot)).rejects.toMatchObject({
      type: 'InvalidEnvironment',
      nonRetryable: true,
      details: [
        { issues: [{ variable: 'DIFFICULTY', rule: 'in', message: 'The selected Difficulty variable is invalid.' }] },
        { createdNothing: true },
      ],
    });
    expect(callCount(await panel.state(), 'POST /servers')).toBe(creates);
    expect(serversOf(await panel.state(), 'create-invalid')).toEqual([]);
  });

  it('refuses a variable the egg does not define, and an admin-only one, naming each', async () => {
    const order = paperOrder('create-admin-var', { environment: { DL_PATH: 'https://evil.example/x.jar', NOPE: '1' } });
    const slot = await place(order);
    await expect(create(order, slot)).rejects.toMatchObject({
      type: 'InvalidEnvironment',
      details: [
        {
          issues: [
            { variable: 'DL_PATH', rule: 'user_editable' },
            { variable: 'NOPE', rule: 'defined' },
          ],
        },
        { createdNothing: true },
      ],
    });
    expect(serversOf(await panel.state(), 'create-admin-var')).toEqual([]);
  });

  it('sets an admin-only variable when the operator allows them (ORDER_ADMIN_VARIABLES=allow)', async () => {
    activities = createActivities({
      ...activityDeps(panel, { reservations }),
      variablePolicy: { allowAdminOnly: true },
    });
    const order = paperOrder('create-admin-ok', { environment: { DL_PATH: 'https://builds.example/paper.jar' } });
    const slot = await place(order);
    await create(order, slot);
    const [server] = serversOf(await panel.state(), 'create-admin-ok');
    expect(server.container.environment).toMatchObject({ DL_PATH: 'https://builds.example/paper.jar' });
  });

  it('fails retryably with PanelUnavailable while the daemon errors, creating nothing', async () => {
    const order = paperOrder('create-5xx');
    const slot = await place(order);
    await panel.faults({ errorRate: 1 });
    await expect(create(order, slot)).rejects.toMatchObject({ type: 'PanelUnavailable', nonRetryable: false });
    await panel.faults({});
    expect(serversOf(await panel.state(), 'create-5xx')).toEqual([]);
  });

  it("carries the panel's Retry-After as the next retry delay on a 429", async () => {
    const order = paperOrder('create-429');
    const slot = await place(order);
    await panel.faults({ rateLimitPerMinute: 1 });
    await panel.client().listLocations();
    const failure = await create(order, slot).catch((err: unknown) => err);
    await panel.faults({});
    expect(failure).toMatchObject({ type: 'PanelRateLimited', nonRetryable: false });
    const delay = Number((failure as { nextRetryDelay: unknown }).nextRetryDelay);
    expect(delay).toBeGreaterThanOrEqual(55_000);
    expect(delay).toBeLessThanOrEqual(60_000);
  });
});
