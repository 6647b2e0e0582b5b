import { ownExternalId } from '../../src/workflows/own-server';
import { auth, waitFor } from '../api/harness';
import { parkByFailedRollback } from '../api/park-order';
import { logIn, openOrder, useDashboardRig } from './dashboard-rig';

// On the time-skipping test server, which skips the rollback's retry backoffs so an order parks in seconds. It has no
// visibility: these tests open the order by its link, not from the list.
const rig = useDashboardRig({ timeSkipping: true });

const serversOf = (orderId: string) =>
  rig.h.sim!.panel.state().servers.filter((server) => server.external_id === ownExternalId(orderId));

beforeAll(async () => {
  await rig.page.goto(rig.h.api.url);
  await logIn(rig.page);
});

describe('dashboard: parked orders in a browser', () => {
  it('shows a parked order with its ledger; Roll back, with a note, clears it from the panel', async () => {
    const { h, page, cspViolations } = rig;
    const orderId = await parkByFailedRollback(h, 'dash-parked');
    h.sim!.panel.context.faults.replace({});
    await openOrder(page, orderId);
    await page.waitForSelector('#parked-actions:not([hidden])');
    const facts = await page.textContent('#parked-facts');
    expect(facts).toContain('COMPENSATION_FAILED');
    expect(facts).toContain('deleteServer');
    expect(facts).toContain('PanelUnavailable');
    expect(await page.isVisible('#order-parked')).toBe(true);

    await page.fill('#action-note', '');
    await page.click('#parked-actions button[data-action="rollback"]');
    await page.waitForSelector('#notice:has-text("Write a note first")');
    expect((await h.http().get(`/v1/orders/${orderId}`).set(auth)).body.status).toBe('NEEDS_ATTENTION');

    await page.fill('#action-note', 'panel is back; removing the server');
    await page.click('#parked-actions button[data-action="rollback"]');
    await page.waitForSelector('#order-status:has-text("CANCELLED")', { timeout: 30_000 });
    expect(await page.isVisible('#parked-actions')).toBe(false);
    expect(await page.textContent('#parked-facts')).toContain('rollback at');
    const done = await h.http().get(`/v1/orders/${orderId}`).set(auth);
    expect(done.body).toMatchObject({
      status: 'CANCELLED',
      parked: { resolution: { action: 'rollback', note: 'panel is back; removing the server' } },
    });
    expect(serversOf(orderId)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('removes the server that a parked order marked resolved left on the panel, with a delete operation', async () => {
    const { h, page, cspViolations } = rig;
    const orderId = await parkByFailedRollback(h, 'dash-op-delete');
    h.sim!.panel.context.faults.replace({});
    await h
      .http()
      .post(`/v1/orders/${orderId}/actions`)
      .set(auth)
      .send({ action: 'mark-resolved', note: 'clean up from the dashboard' })
      .expect(200);
    await waitFor(
      () => h.http().get(`/v1/orders/${orderId}`).set(auth),
      (r) => r.body.status === 'FAILED',
    );
    expect(serversOf(orderId)).toHaveLength(1);

    await openOrder(page, orderId);
    await page.waitForSelector('#operation-form:not([hidden])');
    await page.selectOption('#operation-kind', 'delete');
    await page.click('#operation-form button[type="submit"]');
    await waitFor(
      async () => serversOf(orderId),
      (servers) => servers.length === 0,
      30_000,
    );
    expect(serversOf(orderId)).toEqual([]);
    await page.selectOption('#operation-kind', 'suspend');
    await page.click('#operation-form button[type="submit"]');
    await page.waitForSelector('#notice:has-text("has no server to suspend (order_not_active)")');
    expect(cspViolations).toEqual([]);
  });
});
