import { createActivities, createReservationLedger, type AllocationReservations } from '../../src/activities';
import { ProcessFlow } from '../../src/flow/process-flow';
import { isProviderError } from '../../src/provider';
import type { AclResource, ApiKeyInput } from '../../sim/src';
import type { CreateInput } from '../../src/workflows/activity-contract';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  activityDeps,
  callCount,
  mockActivityEnv,
  type PanelHarness,
  paperOrder,
  runActivity,
  serversOf,
  silentLogger,
  usePanel,
} from './panel-harness';

const LIMITED_KEY = 'ptla_readEverythingWriteNothing0000';
const READ_ALL: Partial<Record<AclResource, 'r'>> = {
  servers: 'r',
  nodes: 'r',
  allocations: 'r',
  locations: 'r',
  nests: 'r',
  eggs: 'r',
};

/** The real panel's strictness the service depends on: 403 per key, daemon error statuses, racing duplicates. */
describe('activities against a strict panel', () => {
  let panel: PanelHarness;
  let reservations: AllocationReservations;
  const addKey = async (key: ApiKeyInput) => {
    const res = await fetch(`${panel.sim.url}/_sim/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(key),
    });
    expect(res.status).toBe(204);
  };
  const activitiesWith = (timeoutMs = 500, apiKey?: string) =>
    createActivities(
      activityDeps(panel, { reservations, provider: panel.client({ timeoutMs, ...(apiKey ? { apiKey } : {}) }) }),
    );
  const createInput = async (orderId: string): Promise<CreateInput> => {
    const order = paperOrder(orderId);
    const slot = await activitiesWith().allocate({ order, excludeAllocationIds: [] });
    return { order, slot, externalId: ownExternalId(orderId) };
  };

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    reservations = createReservationLedger();
  });

  it('fails create with a permanent PanelAuth when the key lacks servers rw: one request, nothing on the panel', async () => {
    await addKey({ key: LIMITED_KEY, permissions: READ_ALL });
    const limited = activitiesWith(500, LIMITED_KEY);
    const order = paperOrder('no-write');
    const slot = await limited.allocate({ order, excludeAllocationIds: [] });
    await expect(
      runActivity(limited.create, { order, slot, externalId: ownExternalId(order.orderId) }),
    ).rejects.toMatchObject({
      type: 'PanelAuth',
      nonRetryable: true,
      details: [expect.objectContaining({ status: 403, code: 'AccessDeniedHttpException' }), { createdNothing: true }],
    });
    const state = await panel.state();
    expect(state.servers).toEqual([]);
    expect(callCount(state, 'POST /servers')).toBe(1);
    expect(callCount(state, 'GET /servers/external/{external_id}')).toBe(0);
  });

  it('classifies both daemon errors (504 no answer, 500 from Wings) as transient and opens only the node breaker', async () => {
    const flow = new ProcessFlow({
      provider: panel.client(),
      reservations,
      logger: silentLogger,
      breakers: { failureThreshold: 4 },
    });
    await panel.faults({ errorRate: 1, seed: 1 });
    const statuses = new Set<number | undefined>();
    for (let i = 0; i < 4; i += 1) {
      const err = await flow
        .providerForNode(1)
        .suspend(1)
        .catch((e: unknown) => e);
      if (!isProviderError(err)) throw err;
      expect(err).toMatchObject({ kind: 'unavailable', retryable: true, code: 'DaemonConnectionException' });
      statuses.add(err.status);
    }
    expect([...statuses].sort()).toEqual([500, 504]);
    expect(flow.breakers.nodeBlocked(1)).toBe(true);
    expect(flow.breakers.panel.current).toBe('closed');
    await expect(flow.providerForNode(1).suspend(1)).rejects.toMatchObject({ name: 'CircuitOpenError', scope: 'node' });
  });

  it('adopts its own server when a racing earlier attempt saved first and its create got the 500', async () => {
    const input = await createInput('race');
    await panel.faults({ createDelayMs: 1500 });
    // Attempt 1 times out while the panel is still working on its create; the panel saves it later.
    await expect(runActivity(activitiesWith(300).create, input)).rejects.toMatchObject({ type: 'PanelTimeout' });
    // Attempt 2 finds nothing yet, so it creates too: both passed validation; its save loses the race (500).
    const result = await runActivity(activitiesWith(5000).create, input, mockActivityEnv({ attempt: 2 }));
    expect(result).toMatchObject({ adopted: true });
    const state = await panel.state();
    expect(serversOf(state, 'race')).toEqual([expect.objectContaining({ id: result.server.id })]);
    expect(state.servers).toHaveLength(1);
    expect(callCount(state, 'POST /servers')).toBe(2);
  });
});
