import { ownExternalId } from '../../src/workflows/own-server';
import { sparedNote } from '../../src/workflows/rollback-inputs';
import { naiveMarker, placeForeignServer, touchable, touchableAll } from '../activities/foreign-servers';
import { paperOrder, serversOf } from '../activities/panel-harness';
import { activities, activityTypes } from './history';
import { faultsOnFirstAttempt, runOrder, useWorkflowHarness, type WorkflowHarness } from './harness';

describe('provisionServer: no server of anyone else is ever adopted, changed or deleted', () => {
  let h: WorkflowHarness;
  useWorkflowHarness((started) => (h = started));

  /** Another integration's servers under the order's bare id and a naive `sq-<id>`, with the order's user and name. */
  async function collide(orderId: string) {
    const like = { user: 2, name: paperOrder(orderId).name };
    const ids = [
      await placeForeignServer(h.panel, orderId, like),
      await placeForeignServer(h.panel, naiveMarker(orderId), like),
    ];
    return { ids, before: touchableAll(await h.panel.state(), ids) };
  }

  it('ends ACTIVE on its own server while foreign servers hold its orderId and sq-<orderId>, both untouched', async () => {
    const foreign = await collide('4001');
    const { state, sim } = await runOrder(h, paperOrder('4001'), { record: 'own-marker-active' });
    expect(touchableAll(sim, foreign.ids)).toEqual(foreign.before);
    expect(state).toMatchObject({ status: 'ACTIVE', externalId: ownExternalId('4001') });
    expect(foreign.ids).not.toContain(state.server?.id);
    expect(serversOf(sim, '4001')).toEqual([expect.objectContaining({ id: state.server?.id, user: 2 })]);
  });

  it('creates its own server on a retry after a 5xx, never adopting the foreign one under its orderId', async () => {
    const foreign = await collide('4002');
    const { state, sim, history } = await runOrder(h, paperOrder('4002'), {
      hooks: { create: faultsOnFirstAttempt(h.panel, { errorRate: 1 }) },
    });
    expect(touchableAll(sim, foreign.ids)).toEqual(foreign.before);
    expect(state.status).toBe('ACTIVE');
    expect(activities(history).find((a) => a.type === 'create')).toMatchObject({ attempt: 2, outcome: 'completed' });
    expect(state.timeline.some((t) => t.detail.startsWith('adopted'))).toBe(false);
    expect(serversOf(sim, '4002')).toEqual([expect.objectContaining({ id: state.server?.id })]);
  });

  it('deletes only its own server when a failed install rolls it back, leaving the foreign ones as they were', async () => {
    const foreign = await collide('4003');
    await h.panel.faults({ installFailRate: 1 });
    const { state, sim, reservations } = await runOrder(h, paperOrder('4003'));
    expect(touchableAll(sim, foreign.ids)).toEqual(foreign.before);
    expect(sim.servers.map((s) => s.id)).toEqual(foreign.ids);
    expect(state).toMatchObject({ status: 'FAILED', error: { type: 'InstallFailed' }, compensationErrors: [] });
    expect(reservations).toEqual([]);
  });

  it('ends FAILED with ForeignServer when another server holds its exact marker, which the rollback leaves alone', async () => {
    const foreign = await placeForeignServer(h.panel, ownExternalId('4004'));
    const before = touchable(await h.panel.state(), foreign);
    const { state, sim, history, reservations } = await runOrder(h, paperOrder('4004'), {
      record: 'own-marker-foreign',
    });
    expect(touchable(sim, foreign)).toEqual(before);
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'create', type: 'ForeignServer' },
      compensationErrors: [],
      server: null,
    });
    expect(activityTypes(history)).toEqual(['allocate', 'create', 'deleteServer', 'releaseAllocation']);
    expect(state.timeline.map((t) => t.detail)).toContain(sparedNote(foreign));
    expect(sim.servers.map((s) => s.id)).toEqual([foreign]);
    expect(reservations).toEqual([]);
  });

  it('gives two orders whose ids differ only in case a server each', async () => {
    const upper = await runOrder(h, paperOrder('Case-A'));
    const lower = await runOrder(h, paperOrder('case-a'));
    expect([upper.state.status, lower.state.status]).toEqual(['ACTIVE', 'ACTIVE']);
    expect(upper.state.server?.id).not.toBe(lower.state.server?.id);
    expect(serversOf(lower.sim, 'Case-A')).toEqual([expect.objectContaining({ id: upper.state.server?.id })]);
    expect(serversOf(lower.sim, 'case-a')).toEqual([expect.objectContaining({ id: lower.state.server?.id })]);
  });
});
