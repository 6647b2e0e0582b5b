import { callCount, paperOrder, SIM_KEY } from '../activities/panel-harness';
import { activities, activityTypes } from './history';
import { runOrder, startWorkflowHarness, type WorkflowHarness } from './harness';

/** The worker's own key narrowed on the panel: it reads everything but may not write servers (403 on create). */
const READ_ONLY_SERVERS = {
  key: SIM_KEY,
  permissions: { servers: 'r', nodes: 'r', allocations: 'r', locations: 'r', nests: 'r', eggs: 'r' },
};

describe('provisionServer: a panel key without servers rw', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('ends FAILED with PanelAuth at create after one attempt, rolled back, nothing left on the panel', async () => {
    await h.panel.reset();
    const res = await fetch(`${h.panel.sim.url}/_sim/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(READ_ONLY_SERVERS),
    });
    expect(res.status).toBe(204);
    try {
      const { state, history, sim, reservations, failures } = await runOrder(h, paperOrder('key-read-only'));
      expect(state).toMatchObject({ status: 'FAILED', error: { step: 'create', type: 'PanelAuth' } });
      expect(state.error?.message).toMatch(/403 AccessDeniedHttpException/);
      expect(activities(history).find((a) => a.type === 'create')).toMatchObject({ attempt: 1, outcome: 'failed' });
      expect(failures.filter((f) => f.activity === 'create')).toEqual([
        expect.objectContaining({ attempt: 1, type: 'PanelAuth' }),
      ]);
      expect(activityTypes(history)).toContain('releaseAllocation');
      expect(callCount(sim, 'POST /servers')).toBe(1);
      expect(sim.servers).toEqual([]);
      expect(sim.allocations.filter((a) => a.server !== null)).toEqual([]);
      expect(reservations).toEqual([]);
    } finally {
      await h.panel.reset();
    }
  });
});
