import { cancelOrderSignal } from '../../src/workflows/contract';
import { DEFAULT_FLOW_POLICY } from '../../src/workflows/flow-contract';
import { directServer, paperOrder, serversOf } from '../activities/panel-harness';
import { firstStarts, startFlowRig, type FlowRig } from './flow-harness';
import { startWorkflowHarness, statuses, waitForStatus, type WorkflowHarness } from './harness';

jest.setTimeout(120_000);

describe('flow control: capacity-aware admission', () => {
  let h: WorkflowHarness;
  let rig: FlowRig | undefined;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });
  beforeEach(async () => {
    await h.panel.reset();
  });
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('waits in WAITING_FOR_CAPACITY without dispatching provider steps, and proceeds once a server is deleted', async () => {
    const nodeId = await h.panel.addNode({
      location_id: 2,
      memory: 3000,
      disk: 100_000,
      ports: { start: 30000, end: 30005 },
    });
    const [first] = (await h.panel.state()).allocations.filter((a) => a.node === nodeId);
    const occupant = await h.panel.client().createServer({
      ...directServer('occupant', first.id),
      limits: { memory: 2048, swap: 0, disk: 1024, io: 500, cpu: 100 },
    });
    rig = await startFlowRig(h, {
      flowConfig: { rateLimitPerMinute: 100_000 },
      flowOptions: { capacityRefreshMs: 100 },
    });

    const handle = await rig.start(paperOrder('capacity-wait', { locationIds: [2] }));
    const waiting = await waitForStatus(handle, 'WAITING_FOR_CAPACITY', 20_000);
    expect(waiting).toMatchObject({
      waitingReason: 'capacity',
      waitingSince: expect.any(String),
      waitingUntil: expect.any(String),
    });
    await new Promise((r) => setTimeout(r, 6_000));
    expect(firstStarts(rig.starts, 'allocate')).toEqual(['capacity-wait']);
    expect(rig.starts.filter((s) => s.type === 'allocate')).toHaveLength(1);
    expect(rig.starts.filter((s) => s.type === 'checkCapacity').length).toBeGreaterThanOrEqual(1);

    await h.panel.client().deleteServer(occupant.id, { force: true });
    const state = await rig.result(handle);
    expect(state).toMatchObject({ status: 'ACTIVE', waitingReason: null, server: { node: nodeId } });
    expect(statuses(state)).toEqual([
      'QUEUED',
      'WAITING_FOR_CAPACITY',
      'ALLOCATING',
      'CREATING',
      'INSTALLING',
      'CONFIGURING',
      'VERIFYING',
      'ACTIVE',
    ]);
    expect(serversOf(await h.panel.state(), 'capacity-wait')).toHaveLength(1);
  });

  it('counts the memory reserved by orders in flight: a second order waits while the first holds the room', async () => {
    const nodeId = await h.panel.addNode({
      location_id: 2,
      memory: 3000,
      disk: 100_000,
      ports: { start: 30000, end: 30005 },
    });
    await h.panel.faults({ installMs: 3_000 });
    const policy = { ...DEFAULT_FLOW_POLICY, standard: { ...DEFAULT_FLOW_POLICY.standard, capacityWaitMs: 60_000 } };
    rig = await startFlowRig(h, {
      flowConfig: { rateLimitPerMinute: 100_000, policy },
      flowOptions: { capacityRefreshMs: 100 },
    });
    const firstHandle = await rig.start(paperOrder('holder', { locationIds: [2] }));
    await waitForStatus(firstHandle, 'INSTALLING', 20_000);
    const secondHandle = await rig.start(paperOrder('second', { locationIds: [2] }));
    await waitForStatus(secondHandle, 'WAITING_FOR_CAPACITY', 20_000);
    const [holder, second] = await rig.results([firstHandle, secondHandle]);
    expect(holder).toMatchObject({ status: 'ACTIVE', server: { node: nodeId } });
    expect(second).toMatchObject({ status: 'FAILED', error: { type: 'NO_CAPACITY' } });
    expect(serversOf(await h.panel.state(), 'second')).toEqual([]);
  });

  it('wakes a waiting order when a rollback releases the room another order held', async () => {
    const nodeId = await h.panel.addNode({
      location_id: 2,
      memory: 3000,
      disk: 100_000,
      ports: { start: 30000, end: 30005 },
    });
    await h.panel.faults({ installMs: 120_000 });
    rig = await startFlowRig(h, {
      flowConfig: { rateLimitPerMinute: 100_000 },
      flowOptions: { capacityRefreshMs: 100 },
    });
    const holderHandle = await rig.start(paperOrder('rolled-back', { locationIds: [2] }));
    await waitForStatus(holderHandle, 'INSTALLING', 20_000);
    const waiterHandle = await rig.start(paperOrder('woken', { locationIds: [2] }));
    await waitForStatus(waiterHandle, 'WAITING_FOR_CAPACITY', 20_000);

    await h.panel.faults({ installMs: 300 });
    await holderHandle.signal(cancelOrderSignal, { reason: 'test: free the room' });
    const [holder, waiter] = await rig.results([holderHandle, waiterHandle]);
    expect(holder).toMatchObject({ status: 'CANCELLED', compensationErrors: [] });
    expect(waiter).toMatchObject({ status: 'ACTIVE', server: { node: nodeId } });
    expect(statuses(waiter)).toContain('WAITING_FOR_CAPACITY');
    const panel = await h.panel.state();
    expect(serversOf(panel, 'rolled-back')).toEqual([]);
    expect(serversOf(panel, 'woken')).toHaveLength(1);
  });
});
