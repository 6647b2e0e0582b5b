import { orderStateQuery, type OrderState } from '../../src/workflows/contract';
import { paperOrder } from '../activities/panel-harness';
import { addUsers, peakInWindow, startFlowRig, type FlowRig } from './flow-harness';
import { startWorkflowHarness, statuses, type WorkflowHarness } from './harness';
import { stallReport } from './stall-report';

jest.setTimeout(120_000);
// In whole-suite runs (2 of 4 on 2026-12-07; never alone, nor under CPU load, nor after the suites it followed) every
// order stayed QUEUED for the whole minute while allocate was retried and the panel's breaker did not open; once the
// retry on a fresh server failed the same way. The stall report now prints each attempt's failure, the pending
// activities and the breakers. Two retries, each on a fresh test server and fresh order ids, the failures printed.
jest.retryTimes(2, { logErrorsBeforeRetry: true });
let attempt = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('flow control: circuit breaker on the panel', () => {
  let h: WorkflowHarness;
  let rig: FlowRig | undefined;
  beforeEach(async () => {
    h = await startWorkflowHarness();
  });
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
    await h?.teardown();
  });

  it("opens during an outage, holds orders in WAITING_FOR_PROVIDER without calling the panel, and drains at the budget's pace after recovery", async () => {
    attempt++;
    const users = await addUsers(h, 6);
    await h.panel.faults({ rateLimitPerMinute: 240 });
    rig = await startFlowRig(h, {
      flowConfig: { rateLimitPerMinute: 240, rateReserve: 0.1 },
      flowOptions: { breakers: { failureThreshold: 3, openMs: 1000, maxOpenMs: 3000 } },
    });
    await h.panel.faults({ rateLimitPerMinute: 240, outage: true });
    const handles = [];
    for (let i = 0; i < 6; i++)
      handles.push(await rig.start(paperOrder(`outage-${attempt}-${i}`, { userId: users[i] })));

    // Each order waits for the breaker's next probe, then queues again: record each one's first waiting state.
    const waiting = new Map<number, OrderState>();
    const deadline = Date.now() + 60_000;
    while (waiting.size < handles.length) {
      const states = await Promise.all(handles.map((hd) => hd.query(orderStateQuery)));
      states.forEach((s, i) => s.status === 'WAITING_FOR_PROVIDER' && !waiting.has(i) && waiting.set(i, s));
      if (Date.now() > deadline)
        throw new Error(
          `never waiting for the provider: ${states.map((s, i) => `${i}: ${s.status} (${s.timeline.at(-1)?.detail})`).join('; ')}\n${await stallReport(rig, handles)}`,
        );
      await sleep(100);
    }
    expect(rig.flows[0].breakers.panel.current).not.toBe('closed');
    for (const state of waiting.values())
      expect(state).toMatchObject({ waitingReason: 'provider', waitingSince: expect.any(String) });

    const before = rig.calls.length;
    await sleep(4_000);
    // Only half-open probes reach the panel while it is down: one per open period (1 s, doubling to 3 s) at most.
    expect(rig.calls.length - before).toBeLessThanOrEqual(4);

    const recovered = Date.now();
    await h.panel.faults({ rateLimitPerMinute: 240 });
    const finals = await rig.results(handles);
    expect(finals.map((s) => s.status)).toEqual(handles.map(() => 'ACTIVE'));
    expect(finals.every((s) => statuses(s).includes('WAITING_FOR_PROVIDER'))).toBe(true);
    expect(rig.flows[0].breakers.panel.current).toBe('closed');
    expect((await h.panel.state()).calls.rateLimited).toBe(0);
    expect(
      peakInWindow(
        rig.calls.filter((t) => t >= recovered),
        5_000,
      ),
    ).toBeLessThanOrEqual(4 * 5 + 4 + 1);
  });
});
