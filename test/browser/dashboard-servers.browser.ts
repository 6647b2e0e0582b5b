import { createPterodactylClient } from '../../src/provider';
import { ensureReconcileSchedule } from '../../src/temporal-reconcile';
import { ownExternalId } from '../../src/workflows/own-server';
import { SIM_KEY, auth, orderWithServer, waitFor } from '../api/harness';
import { logIn, useDashboardRig } from './dashboard-rig';

const rig = useDashboardRig();

const suspendedOnPanel = (orderId: string) =>
  rig.h.sim!.panel.state().servers.find((server) => server.external_id === ownExternalId(orderId))?.suspended;

/** Places an order for `userId` with a quick installation and waits until its server's entity answers. */
async function serverOf(label: string, userId = 1): Promise<string> {
  rig.h.sim!.panel.context.faults.replace({ installMs: 50 });
  const orderId = await orderWithServer(rig.h, label, { userId });
  rig.h.sim!.panel.context.faults.replace({});
  return orderId;
}

beforeAll(async () => {
  await rig.page.goto(rig.h.api.url);
  await logIn(rig.page);
});

describe('dashboard: servers in a browser', () => {
  it("shows a billing suspension on the server's page with the next timer, and lifts it when marked paid", async () => {
    const { page, cspViolations } = rig;
    const orderId = await serverOf('dash-billing');
    await page.evaluate(`location.hash = ${JSON.stringify(`#server/${encodeURIComponent(orderId)}`)}`);
    await page.waitForSelector(`#server-section:not([hidden]) #server-id:has-text("${orderId}")`);
    expect(await page.textContent('#billing-facts')).toContain('nothing pending');

    await page.click('#billing-overdue');
    await page.waitForSelector('#notice:has-text("Overdue")');
    await page.waitForSelector('#server-status:has-text("SUSPENDED")', { timeout: 30_000 });
    expect(await page.textContent('#server-facts')).toContain('billing');
    expect(await page.textContent('#billing-facts')).toContain('deletion warning at');
    expect(await page.textContent('#server-operations')).toContain('billing');
    expect(suspendedOnPanel(orderId)).toBe(true);

    await page.click('#billing-paid');
    await page.waitForSelector('#server-status:has-text("ACTIVE")', { timeout: 30_000 });
    expect(await page.textContent('#billing-facts')).toContain('nothing pending');
    expect(await page.textContent('#server-timeline')).toContain('unsuspend done (billing)');
    expect(suspendedOnPanel(orderId)).toBe(false);
    expect(cspViolations).toEqual([]);
  });

  it('runs a bulk suspend on the servers the filter shows and follows its progress to the end', async () => {
    const { h, page, cspViolations } = rig;
    const ids = [await serverOf('dash-bulk', 3), await serverOf('dash-bulk', 3)];
    await waitFor(
      () => h.http().get('/v1/servers?userId=3').set(auth),
      (r) => r.body.servers?.length === 2,
    );
    await page.evaluate('location.hash = ""');
    await page.fill('#server-filter-user', '3');
    await page.click('#server-filters button[type="submit"]');
    const rows = page.locator('#servers tbody tr');
    for (let i = 0; i < 40 && (await rows.count()) !== 2; i++) await page.waitForTimeout(250);
    expect(await rows.count()).toBe(2);
    for (const orderId of ids) expect(await page.textContent('#servers')).toContain(orderId);

    await page.selectOption('#bulk-action', 'suspend');
    await page.fill('#bulk-reason', 'account closed');
    await page.click('#bulk-form button[type="submit"]');
    await page.waitForSelector('#notice:has-text("Bulk suspend started")');
    await page.waitForSelector('#bulk-progress:has-text("COMPLETED")', { timeout: 60_000 });
    expect(await page.textContent('#bulk-progress')).toContain('2 done, 0 skipped, 0 failed of 2');
    expect(await page.isVisible('#bulk-cancel')).toBe(false);
    for (const orderId of ids) expect(suspendedOnPanel(orderId)).toBe(true);
    expect(cspViolations).toEqual([]);
  });

  it('runs a reconciliation sweep from the dashboard and shows the server it found lost', async () => {
    const { h, page, cspViolations } = rig;
    const orderId = await serverOf('dash-lost');
    const panel = createPterodactylClient({ baseUrl: h.sim!.url, apiKey: SIM_KEY });
    await panel.deleteServer((await panel.getServerByExternalId(ownExternalId(orderId)))!.id, { force: true });
    await ensureReconcileSchedule(h.client, h.taskQueue, {
      intervalMs: 3_600_000,
      policy: { strays: 'report', drift: 'report' },
      settleMs: 0,
    });
    await page.evaluate('location.hash = ""');
    await page.click('#reconcile-run');
    await page.waitForSelector('#notice:has-text("Reconciliation sweep started")');
    await page.waitForSelector(`#reconcile-findings:has-text("order ${orderId}")`, { timeout: 30_000 });
    expect(await page.textContent('#reconcile-findings')).toContain('marked');
    expect(await page.textContent('#reconcile-facts')).toContain('0 stray, 1 lost, 0 drifted');
    expect(await page.textContent('#reconcile-facts')).toContain('every 60 min');
    expect(cspViolations).toEqual([]);
  });
});
