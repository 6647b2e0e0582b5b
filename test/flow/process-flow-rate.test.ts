import { ProcessFlow } from '../../src/flow/process-flow';
import type { ProviderTaskCalls } from '../../src/flow/task-calls';
import type { PterodactylClient } from '../../src/provider';

const finish = async (calls: ProviderTaskCalls, tasks: number, callsEach: (i: number) => number) => {
  for (let i = 0; i < tasks; i++) {
    await calls.wrap(async () => {
      for (let c = 0; c < callsEach(i); c++) calls.counted();
    })();
  }
};

describe("the task queues' rate and the per-process call share", () => {
  let flow: ProcessFlow;
  beforeEach(() => {
    flow = new ProcessFlow({
      provider: {} as PterodactylClient,
      limitPerMinute: 240,
      reserve: 0.1,
      installPollMs: 5000,
    });
  });
  afterEach(() => flow.stop());

  it('divides the budget by the calls of provider tasks only: planning tasks spend no dispatch of the budget', async () => {
    const background = flow.backgroundShare(1);
    expect(flow.providerRatePerMinute()).toBeCloseTo(216 - background);
    await finish(flow.taskCalls, 20, (i) => (i % 4 === 0 ? 2 : 1));
    expect(flow.providerRatePerMinute()).toBeCloseTo((216 - background) / 1.25);
  });

  it("computes the queues' rate without re-pacing the install watcher; tick() re-paces it to the budget share", () => {
    const configured = flow.watcher.intervalMs;
    flow.setShared({ ratePerMinute: 24, processes: 1 });
    flow.providerRatePerMinute();
    flow.backgroundShare(1);
    expect(flow.watcher.intervalMs).toBe(configured);
    flow.tick();
    expect(flow.watcher.intervalMs).toBe(flow.watcher.intervalFor(24));
    expect(flow.watcher.intervalMs).toBeGreaterThan(configured);
  });

  it("paces this process's calls at its share of the budget, as the flow-control workflow last said", () => {
    expect(flow.processCallRatePerMinute()).toBe(216);
    flow.setShared({ ratePerMinute: 180, processes: 2 });
    expect(flow.processCallRatePerMinute()).toBe(90);
    flow.rate.rateLimited(60_000);
    expect(flow.processCallRatePerMinute()).toBeLessThan(90);
  });
});
