import { bulkActivities } from '../../src/activities/bulk';
import { ownExternalId } from '../../src/workflows/own-server';
import { auth, startApiHarness, waitFor, type ApiHarness } from './harness';
import { parkByFailedRollback, skipUntil } from './park-order';

// On the time-skipping test server: the rollback's retries back off for minutes, skipped here in seconds. It has no
// visibility, so listing by status (NEEDS_ATTENTION like any other) is tested on the dev server (list-orders.test.ts).
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 10 * 60_000, timeSkipping: true });
});

afterAll(async () => {
  await h?.stop();
});

afterEach(() => {
  h.sim!.panel.context.faults.replace({});
  h.expireBreakers();
});

const order = (orderId: string) => h.http().get(`/v1/orders/${orderId}`).set(auth);
const act = (orderId: string, body: object) => h.http().post(`/v1/orders/${orderId}/actions`).set(auth).send(body);
const panelServers = (orderId: string) =>
  h.sim!.panel.state().servers.filter((s) => s.external_id === ownExternalId(orderId));

describe('a really parked order through the API', () => {
  it('shows NEEDS_ATTENTION with its ledger, and a rollback action after the outage leaves nothing on the panel', async () => {
    const orderId = await parkByFailedRollback(h, 'park-rollback');
    const serverId = panelServers(orderId)[0]?.id;
    expect(serverId).toEqual(expect.any(Number));

    const parked = await order(orderId);
    expect(parked.body.parked).toMatchObject({
      reason: 'COMPENSATION_FAILED',
      step: 'compensate',
      resolution: null,
      ledger: {
        serverId,
        reservationHeld: false,
        pendingCompensations: ['deleteServer'],
        failedCompensations: ['deleteServer'],
      },
    });
    expect(parked.body.parked.errors[0]).toMatchObject({
      step: 'compensate',
      compensation: 'deleteServer',
      type: 'PanelUnavailable',
    });

    h.sim!.panel.context.faults.replace({});
    const acted = await act(orderId, { action: 'rollback', note: 'panel is back, delete it' });
    expect(acted.status).toBe(200);
    expect(acted.body).toMatchObject({
      orderId,
      parked: { resolution: { action: 'rollback', note: 'panel is back, delete it', by: 'default' } },
    });

    const done = await waitFor(
      () => order(orderId),
      (r) => r.body.status === 'CANCELLED',
    );
    expect(done.body).toMatchObject({ status: 'CANCELLED', compensationErrors: [] });
    expect(done.body.timeline.map((e: { detail: string }) => e.detail)).toContain(
      'operator action rollback by default: panel is back, delete it',
    );
    expect(panelServers(orderId)).toEqual([]);
    expect((await act(orderId, { action: 'rollback', note: 'again' })).status).toBe(409);
  });

  it('mark-resolved ends the order FAILED and leaves the panel as it is', async () => {
    const orderId = await parkByFailedRollback(h, 'park-resolve');
    h.sim!.panel.context.faults.replace({});
    const acted = await act(orderId, { action: 'mark-resolved', note: 'deleted by hand in the panel' });
    expect(acted.status).toBe(200);
    const done = await waitFor(
      () => order(orderId),
      (r) => r.body.status === 'FAILED',
    );
    expect(done.body).toMatchObject({
      status: 'FAILED',
      error: { type: 'RESOLVED_BY_OPERATOR', message: 'deleted by hand in the panel' },
    });
    expect(panelServers(orderId)).toHaveLength(1);
  });

  it('parks again (a second parking) when retry-step runs while the panel is still down', async () => {
    const orderId = await parkByFailedRollback(h, 'park-again');
    expect((await act(orderId, { action: 'retry-step', note: 'try once more' })).status).toBe(200);
    const again = await skipUntil(
      h,
      orderId,
      (r) => r.body.parked?.sequence === 2 && r.body.status === 'NEEDS_ATTENTION',
    );
    expect(again.body).toMatchObject({
      status: 'NEEDS_ATTENTION',
      parked: { sequence: 2, reason: 'COMPENSATION_FAILED', resolution: null },
    });
    expect(panelServers(orderId)).toHaveLength(1);
  });

  it("a bulk retry's action on it: skipped for another parked reason, retry-step for its own", async () => {
    const orderId = await parkByFailedRollback(h, 'park-bulk');
    const { bulkApply } = bulkActivities({ client: h.client });
    const target = { action: 'retry' as const, orderId, requestedBy: 'ops', reason: 'panel is back' };
    expect(await bulkApply({ ...target, filter: { parkedReason: 'STEP_RETRIES_EXHAUSTED' } })).toEqual({
      outcome: 'skipped',
      reason: 'parked for COMPENSATION_FAILED',
    });
    h.sim!.panel.context.faults.replace({});
    h.expireBreakers();
    expect(await bulkApply({ ...target, filter: { parkedReason: 'COMPENSATION_FAILED' } })).toEqual({
      outcome: 'done',
    });
    const retried = await skipUntil(h, orderId, (r) => r.body.status === 'CANCELLED');
    expect(retried.body.status).toBe('CANCELLED');
    expect(retried.body.parked).toMatchObject({
      resolution: { action: 'retry-step', note: 'panel is back', by: 'ops' },
    });
    expect(panelServers(orderId)).toHaveLength(0);
    expect(await bulkApply({ ...target, filter: {} })).toEqual({ outcome: 'skipped', reason: 'not parked: CANCELLED' });
  });
});
