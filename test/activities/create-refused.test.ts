import { createActivities, createReservationLedger } from '../../src/activities';
import type { AllocatedSlot, ProvisioningActivities } from '../../src/workflows/activity-contract';
import type { Order } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  activityDeps,
  callCount,
  mockActivityEnv,
  type PanelHarness,
  paperOrder,
  rejectionOf,
  runActivity,
  serversOf,
  usePanel,
} from './panel-harness';

// A create whose failure proves no request of the order made a server says so (details: createdNothing), and the
// rollback then skips its wait for a request whose answer was lost. Only the order's first and only request can prove
// it: a refusal by the panel (400, 403, 422 with no server found after) or a failure before anything was sent.
const NOTHING = { createdNothing: true };
const detailsOf = (err: Error) => (err as Error & { details?: unknown[] }).details ?? [];

describe('create: a failure that proves nothing was created', () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;
  const place = (order: Order): Promise<AllocatedSlot> => activities.allocate({ order, excludeAllocationIds: [] });
  const create = (order: Order, slot: AllocatedSlot, lookFirst?: boolean, attempt = 1) =>
    runActivity(
      activities.create,
      { order, slot, externalId: ownExternalId(order.orderId), lookFirst },
      mockActivityEnv({ attempt }),
    );

  usePanel((started) => (panel = started));
  beforeEach(() => {
    activities = createActivities(activityDeps(panel, { reservations: createReservationLedger() }));
  });

  it('is marked when the panel refused the first request with 422 and no server holds the external_id', async () => {
    const order = paperOrder('refused-422', { userId: 77 });
    const slot = await place(order);
    const failure = await rejectionOf(create(order, slot));
    expect(failure).toMatchObject({ type: 'PanelValidation', nonRetryable: true });
    expect(failure.message).toMatch(/selected user is invalid/);
    expect(detailsOf(failure)).toEqual([expect.objectContaining({ status: 422 }), NOTHING]);
    expect(callCount(await panel.state(), 'POST /servers')).toBe(1);
    expect(serversOf(await panel.state(), 'refused-422')).toEqual([]);
  });

  it('is not marked for the same refusal on a retry: an earlier request may still be on its way', async () => {
    const order = paperOrder('refused-retry', { userId: 77 });
    const slot = await place(order);
    const failure = await rejectionOf(create(order, slot, false, 2));
    expect(failure).toMatchObject({ type: 'PanelValidation' });
    expect(detailsOf(failure)).not.toContainEqual(NOTHING);
  });

  it('is not marked for the same refusal on a re-run the workflow marks lookFirst', async () => {
    const order = paperOrder('refused-look-first', { userId: 77 });
    const slot = await place(order);
    const failure = await rejectionOf(create(order, slot, true));
    expect(failure).toMatchObject({ type: 'PanelValidation' });
    expect(detailsOf(failure)).not.toContainEqual(NOTHING);
  });

  it('is not marked for a failure that may hide a success (a 5xx)', async () => {
    const order = paperOrder('refused-5xx');
    const slot = await place(order);
    await panel.faults({ errorRate: 1 });
    const failure = await rejectionOf(create(order, slot)).finally(() => panel.faults({}));
    expect(failure).toMatchObject({ type: 'PanelUnavailable', nonRetryable: false });
    expect(detailsOf(failure)).not.toContainEqual(NOTHING);
  });

  it('is marked when no nest has the egg (nothing sent)', async () => {
    const order = paperOrder('refused-egg', { eggId: 999 });
    const slot = await place(order);
    const failure = await rejectionOf(create(order, slot));
    expect(failure).toMatchObject({ type: 'EggNotFound', nonRetryable: true });
    expect(detailsOf(failure)).toEqual([NOTHING]);
    expect(callCount(await panel.state(), 'POST /servers')).toBe(0);
  });
});
