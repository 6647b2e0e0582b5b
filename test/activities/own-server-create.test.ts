import { createActivities } from '../../src/activities';
import type { AllocatedSlot, ProvisioningActivities } from '../../src/workflows/activity-contract';
import type { Order } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import { naiveMarker, placeForeignServer, touchable, touchableAll } from './foreign-servers';
import { activityDeps, type PanelHarness, paperOrder, runActivity, serversOf, usePanel } from './panel-harness';

describe("create adopts only the order's own server", () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;
  const place = (order: Order): Promise<AllocatedSlot> => activities.allocate({ order, excludeAllocationIds: [] });
  /** `externalId` undefined: an order started before the own-server marker (its server carries the bare orderId). */
  const create = (order: Order, slot: AllocatedSlot, externalId: string | undefined, lookFirst = false) =>
    runActivity(activities.create, { order, slot, lookFirst, ...(externalId ? { externalId } : {}) });

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    activities = createActivities(activityDeps(panel));
  });

  it('creates its own server beside foreign servers holding the bare orderId and a naive sq-<orderId>, touching neither', async () => {
    const order = paperOrder('1001');
    const foreign = [await placeForeignServer(panel, '1001'), await placeForeignServer(panel, naiveMarker('1001'))];
    const before = touchableAll(await panel.state(), foreign);
    const result = await create(order, await place(order), ownExternalId('1001'));
    expect(result.adopted).toBe(false);
    expect(foreign).not.toContain(result.server.id);
    const state = await panel.state();
    expect(touchableAll(state, foreign)).toEqual(before);
    expect(serversOf(state, '1001')).toEqual([expect.objectContaining({ id: result.server.id, user: 2 })]);
  });

  it('adopts its own server after a create whose answer was lost, never the foreign one under the bare orderId', async () => {
    const order = paperOrder('1002');
    const foreign = await placeForeignServer(panel, '1002', { user: 2, name: order.name });
    const before = touchable(await panel.state(), foreign);
    const slot = await place(order);
    await panel.faults({ createTimeoutButSucceedsRate: 1 });
    const result = await create(order, slot, ownExternalId('1002'));
    await panel.faults({});
    expect(result).toMatchObject({ adopted: true, server: { allocation: { id: slot.allocationId } } });
    expect(result.server.id).not.toBe(foreign);
    expect(touchable(await panel.state(), foreign)).toEqual(before);
  });

  it("fails with ForeignServer, on the 422 and on a look-up first, when another user's server holds its exact marker", async () => {
    const order = paperOrder('1003');
    const foreign = await placeForeignServer(panel, ownExternalId('1003'));
    const before = touchable(await panel.state(), foreign);
    const slot = await place(order);
    const refused = { type: 'ForeignServer', nonRetryable: true, details: [{ serverId: foreign }] };
    await expect(create(order, slot, ownExternalId('1003'))).rejects.toMatchObject(refused);
    await expect(create(order, slot, ownExternalId('1003'), true)).rejects.toMatchObject(refused);
    const state = await panel.state();
    expect(touchable(state, foreign)).toEqual(before);
    expect(state.servers).toHaveLength(1);
  });

  it('does not adopt a server whose external_id only collates equal to its marker, even with its user and name', async () => {
    const order = paperOrder('1004');
    const foreign = await placeForeignServer(panel, ownExternalId('1004').toUpperCase(), { user: 2, name: order.name });
    const before = touchable(await panel.state(), foreign);
    const failure = await create(order, await place(order), ownExternalId('1004')).catch((err: unknown) => err);
    expect(failure).toMatchObject({
      type: 'ForeignServer',
      message: expect.stringMatching(/external_id is "SQ-1004-/),
    });
    expect(touchable(await panel.state(), foreign)).toEqual(before);
  });

  it("does not adopt its user's server under its marker on another allocation (an earlier order with the same id)", async () => {
    const order = paperOrder('1005');
    const foreign = await placeForeignServer(panel, ownExternalId('1005'), { user: 2, name: order.name });
    const slot = await place(order);
    await expect(create(order, slot, ownExternalId('1005'), true)).rejects.toMatchObject({
      type: 'ForeignServer',
      message: expect.stringContaining(`allocation is ${touchable(await panel.state(), foreign)?.allocation}`),
    });
  });

  it("order from before the marker: a foreign server under the bare orderId is not adopted, even its user's", async () => {
    const order = paperOrder('legacy-1');
    const foreign = await placeForeignServer(panel, 'legacy-1', { user: 2 });
    const before = touchable(await panel.state(), foreign);
    await expect(create(order, await place(order), undefined)).rejects.toMatchObject({
      type: 'ForeignServer',
      details: [
        { serverId: foreign, problems: [expect.stringMatching(/^name is/), expect.stringMatching(/^allocation/)] },
      ],
    });
    expect(touchable(await panel.state(), foreign)).toEqual(before);
  });

  it('order from before the marker: still adopts its own server under the bare orderId', async () => {
    const order = paperOrder('legacy-2');
    const slot = await place(order);
    const first = await create(order, slot, undefined);
    await expect(create(order, slot, undefined, true)).resolves.toEqual({ ...first, adopted: true });
    expect((await panel.state()).servers.map((s) => s.external_id)).toEqual(['legacy-2']);
  });
});
