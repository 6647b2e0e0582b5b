import { ownExternalId } from '../../src/workflows/own-server';
import { auth, waitFor } from '../api/harness';
import { activeOrder, logIn, openOrder, refreshUntil, useDashboardRig } from './dashboard-rig';

const rig = useDashboardRig();

const serversOf = (orderId: string) =>
  rig.h.sim!.panel.state().servers.filter((server) => server.external_id === ownExternalId(orderId));
const operationRow = (operation: string, status: string) =>
  `#operations tbody tr:has-text("${operation}"):has-text("${status}")`;

async function startOperation(operation: string): Promise<void> {
  await rig.page.selectOption('#operation-kind', operation);
  await rig.page.click('#operation-form button[type="submit"]');
}

beforeAll(async () => {
  await rig.page.goto(rig.h.api.url);
  await logIn(rig.page);
});

describe('dashboard: server operations in a browser', () => {
  it('starts a suspend from the form, which ends COMPLETED in the table with the server suspended; a resize without limits names the missing fields', async () => {
    const { page, cspViolations } = rig;
    const orderId = await activeOrder(rig.h, 'dash-op-start');
    await openOrder(page, orderId);
    await page.waitForSelector('#operation-form:not([hidden])');
    expect(await page.isVisible('#operations-empty')).toBe(true);

    await page.selectOption('#operation-kind', 'resize');
    expect(await page.isVisible('#resize-build')).toBe(true);
    await page.fill('#resize-build input[name="memory"]', '2048');
    await startOperation('resize');
    await page.waitForSelector('#notice:has-text("build.disk: required")');
    expect(await page.textContent('#notice')).toContain('invalid_body');

    await startOperation('suspend');
    expect(await page.isVisible('#resize-build')).toBe(false);
    await page.waitForSelector(operationRow('suspend', 'COMPLETED'), { timeout: 30_000 });
    expect(await page.isVisible('#operations-empty')).toBe(false);
    expect(serversOf(orderId)).toEqual([expect.objectContaining({ suspended: true })]);
    const listed = await rig.h.http().get(`/v1/orders/${orderId}/operations`).set(auth);
    expect(listed.body.operations.map((o: { operation: string }) => o.operation)).toEqual(['suspend']);
    expect(cspViolations).toEqual([]);
  });

  it('cancels a running operation from its row, which ends CANCELLED with the note as its reason', async () => {
    const { h, page, cspViolations } = rig;
    const orderId = await activeOrder(h, 'dash-op-cancel');
    h.sim!.panel.context.faults.replace({ installMs: 10 * 60_000 });
    const accepted = await h
      .http()
      .post(`/v1/orders/${orderId}/operations`)
      .set(auth)
      .send({ operation: 'reinstall' })
      .expect(202);
    await waitFor(
      () => h.http().get(accepted.body.links.self).set(auth),
      (r) => r.body.step === 'install',
    );
    await openOrder(page, orderId);
    const cancelButton = page.locator(
      `#operations button.cancel-operation[data-operation-id="${accepted.body.operationId}"]`,
    );
    await refreshUntil(page, async () => (await cancelButton.count()) > 0);
    await page.fill('#action-note', 'customer changed their mind');
    await cancelButton.click();
    await page.waitForSelector(operationRow('reinstall', 'CANCELLED'), { timeout: 30_000 });
    expect(await cancelButton.count()).toBe(0);
    const done = await h.http().get(accepted.body.links.self).set(auth);
    expect(done.body).toMatchObject({
      status: 'CANCELLED',
      error: { step: 'install', type: 'Cancelled', message: 'customer changed their mind' },
    });
    expect(serversOf(orderId)).toHaveLength(1);
    expect(cspViolations).toEqual([]);
  });
});
