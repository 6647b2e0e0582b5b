import { callCount, paperOrder, serversOf } from '../activities/panel-harness';
import { activities } from './history';
import { runOrder, useWorkflowHarness, type WorkflowHarness } from './harness';

// The Retry-After test needs time skipping, which a run left with a workflow task outstanding by an earlier test on
// the same test server blocks for good (see terminateWhenIdle): it timed out in two CI runs. Each test gets a fresh one.
describe('provisionServer: timeouts and rate limits', () => {
  let h: WorkflowHarness;
  useWorkflowHarness((started) => (h = started), { engineEachTest: true });

  it('adopts the server when the create request timed out but the panel created it: no duplicate', async () => {
    const { state, history, sim } = await runOrder(h, paperOrder('timeout-created'), {
      hooks: {
        create: async ({ attempt }) => {
          if (attempt > 1) return;
          await h.panel.faults({ createTimeoutButSucceedsRate: 1 });
          return () => h.panel.faults({});
        },
      },
      record: 'create-timeout-adopted',
    });
    expect(state.status).toBe('ACTIVE');
    expect(state.timeline.some((t) => t.detail.startsWith(`adopted server ${state.server?.id}`))).toBe(true);
    expect(serversOf(sim, 'timeout-created')).toEqual([
      expect.objectContaining({ id: state.server?.id, status: null }),
    ]);
    expect(sim.servers).toHaveLength(1);
    expect(callCount(sim, 'POST /servers')).toBe(1);
    expect(activities(history).find((a) => a.type === 'create')).toMatchObject({ attempt: 1, outcome: 'completed' });
  });

  it("waits the panel's Retry-After before retrying a rate-limited step", async () => {
    const started = Date.now();
    const { state, history, sim, failures } = await runOrder(h, paperOrder('rate-limited'), {
      hooks: {
        allocate: async ({ attempt }) => {
          if (attempt > 1) return;
          await h.panel.faults({ rateLimitPerMinute: 1 });
          await h.panel.client().listLocations();
          return () => h.panel.faults({});
        },
      },
      record: 'rate-limited',
    });
    expect(state.status).toBe('ACTIVE');
    const allocate = activities(history).find((a) => a.type === 'allocate');
    expect(allocate).toMatchObject({ attempt: 2, outcome: 'completed' });
    expect(failures).toEqual([expect.objectContaining({ activity: 'allocate', attempt: 1, type: 'PanelRateLimited' })]);
    const delay = failures[0].nextRetryDelayMs ?? 0;
    expect(delay).toBeGreaterThanOrEqual(55_000);
    expect((allocate?.closedAt ?? 0) - (allocate?.scheduledAt ?? 0)).toBeGreaterThanOrEqual(delay);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(sim.calls.rateLimited).toBeGreaterThanOrEqual(1);
  });
});
