import { ownExternalId } from '../../src/workflows/own-server';
import { auth, orderBody, uniqueOrderId, waitFor } from '../api/harness';
import { logIn, useDashboardRig } from './dashboard-rig';

// On the dev server (the bulk action lists parked orders through visibility, which the time-skipping server lacks).
// The worker's breakers open only after 1 000 consecutive failures, so an outage makes each order's allocate run
// out of its retries (about a minute of backoff) and park, instead of waiting in WAITING_FOR_PROVIDER.
const rig = useDashboardRig({ breakers: { failureThreshold: 1000 } });

const PARKED_WITHIN_MS = 150_000;

const serversOnPanel = (orderId: string) =>
  rig.h.sim!.panel.state().servers.filter((server) => server.external_id === ownExternalId(orderId));

beforeAll(async () => {
  await rig.page.goto(rig.h.api.url);
  await logIn(rig.page);
});

describe('dashboard: a bulk retry of parked orders in a browser', () => {
  it('retries every order parked with STEP_RETRIES_EXHAUSTED after an outage, and each becomes ACTIVE', async () => {
    const { h, page, cspViolations } = rig;
    const ids = [uniqueOrderId('dash-retry'), uniqueOrderId('dash-retry')];
    h.sim!.panel.context.faults.replace({ outage: true });
    for (const orderId of ids)
      await h
        .http()
        .post('/v1/orders')
        .set(auth)
        .send(orderBody({ orderId, userId: 2 }))
        .expect(202);
    for (const orderId of ids) {
      const parked = await waitFor(
        () => h.http().get(`/v1/orders/${orderId}`).set(auth),
        (r) => r.body.status === 'NEEDS_ATTENTION',
        PARKED_WITHIN_MS,
      );
      expect(parked.body).toMatchObject({
        status: 'NEEDS_ATTENTION',
        parked: { reason: 'STEP_RETRIES_EXHAUSTED', step: 'allocate', resolution: null },
      });
    }
    const listed = async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return h.http().get('/v1/orders?status=NEEDS_ATTENTION&userId=2').set(auth);
    };
    expect((await waitFor(listed, (r) => r.body.orders?.length === 2)).body.orders).toHaveLength(2);
    h.sim!.panel.context.faults.replace({ installMs: 50 });

    await page.evaluate('location.hash = ""');
    await page.fill('#server-filter-user', '2');
    await page.click('#server-filters button[type="submit"]');
    await page.selectOption('#bulk-action', 'retry');
    await page.selectOption('#bulk-parked-reason', 'STEP_RETRIES_EXHAUSTED');
    await page.fill('#bulk-reason', 'the panel is back');
    await page.click('#bulk-form button[type="submit"]');
    await page.waitForSelector('#notice:has-text("Bulk retry started")');
    await page.waitForSelector('#bulk-progress:has-text("COMPLETED")', { timeout: 60_000 });
    expect(await page.textContent('#bulk-progress')).toContain('2 done, 0 skipped, 0 failed of 2');
    expect(await page.isVisible('#bulk-cancel')).toBe(false);

    for (const orderId of ids) {
      const active = await waitFor(
        () => h.http().get(`/v1/orders/${orderId}`).set(auth),
        (r) => r.body.status === 'ACTIVE',
        60_000,
      );
      const { status, error, parked } = active.body;
      expect({ orderId, status, error }).toEqual({ orderId, status: 'ACTIVE', error: null });
      expect(parked).toMatchObject({
        reason: 'STEP_RETRIES_EXHAUSTED',
        resolution: { action: 'retry-step', note: 'the panel is back' },
      });
      expect(serversOnPanel(orderId)).toHaveLength(1);
    }
    expect(cspViolations).toEqual([]);
  }, 300_000);
});
