import pino from 'pino';
import { createApp } from '../../src/api/app';
import { listenApi } from '../../src/api/server';
import { API_KEY, auth, orderBody, uniqueOrderId, waitFor } from '../api/harness';
import { logIn, refreshUntil, useDashboardRig } from './dashboard-rig';

const rig = useDashboardRig();

async function installingOrder(): Promise<string> {
  const orderId = uniqueOrderId('dash');
  await rig.h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  const res = await waitFor(
    () => rig.h.http().get(`/v1/orders/${orderId}`).set(auth),
    (r) => r.body.status === 'INSTALLING',
  );
  expect(res.body.status).toBe('INSTALLING');
  return orderId;
}

const orderLink = (orderId: string) => rig.page.locator(`#orders a[data-order-id="${orderId}"]`);

async function expectListed(orderId: string): Promise<void> {
  await refreshUntil(rig.page, async () => (await orderLink(orderId).count()) > 0);
  expect(await orderLink(orderId).count()).toBe(1);
}

async function filterByStatus(status: string): Promise<void> {
  await rig.page.selectOption('#filter-status', status);
  await Promise.all([
    rig.page.waitForResponse((res) => res.url().includes(`/v1/orders?status=${status}`)),
    rig.page.click('#filters button[type="submit"]'),
  ]);
}

describe('dashboard in a browser', () => {
  it('asks for the key, lists and filters orders, shows an order, and cancels it', async () => {
    const { h, page, cspViolations } = rig;
    const first = await installingOrder();
    const second = await installingOrder();

    await page.goto(h.api.url);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#api-key', 'wrong-key');
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#notice:has-text("refused")');
    await logIn(page);
    expect(page.url()).not.toContain(API_KEY);
    expect(await page.evaluate('sessionStorage.getItem("server-queue.apiKey")')).toBe(API_KEY);
    expect(await page.textContent('#queue')).toContain('Provider budget');

    await expectListed(first);
    await expectListed(second);

    await filterByStatus('ACTIVE');
    await orderLink(first).waitFor({ state: 'detached', timeout: 5000 });
    expect(await orderLink(first).count()).toBe(0);
    await filterByStatus('PROVISIONING');
    await expectListed(first);
    expect(await page.textContent(`#orders tr:has(a[data-order-id="${first}"])`)).toContain('PROVISIONING');

    await orderLink(first).click();
    await page.waitForSelector(`#order-section:not([hidden]) #order-id:has-text("${first}")`);
    const timeline = await page.locator('#timeline tbody tr').allTextContents();
    expect(timeline.some((entry) => entry.includes('QUEUED'))).toBe(true);
    expect(timeline.some((entry) => entry.includes('INSTALLING'))).toBe(true);
    await page.waitForSelector('#activities tbody tr');
    expect(await page.textContent('#activities')).toContain('allocate');
    expect(await page.isVisible('#parked-actions')).toBe(false);

    const note = '<img src=x onerror="window.injected=1">operator test';
    await page.fill('#action-note', note);
    await page.click('#cancel-order');
    await page.waitForSelector('#order-status:has-text("CANCELLED")', { timeout: 30_000 });
    expect(await page.isVisible('#cancel-order')).toBe(false);
    const cancelled = await h.http().get(`/v1/orders/${first}`).set(auth);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', error: { step: 'cancel', message: note } });
    await page.waitForSelector('#order-error pre');
    expect(await page.textContent('#order-error')).toContain(note);
    expect(await page.locator('#order-error img').count()).toBe(0);
    expect(await page.evaluate('window.injected')).toBeUndefined();
    expect((await h.http().get(`/v1/orders/${second}`).set(auth)).body.status).toBe('INSTALLING');
    await h.http().post(`/v1/orders/${second}/cancel`).set(auth).send({}).expect(202);
    await waitFor(
      () => h.http().get(`/v1/orders/${second}`).set(auth),
      (r) => r.body.status === 'CANCELLED',
    );

    expect(cspViolations).toEqual([]);
  });

  it('links orders to the Temporal UI when TEMPORAL_UI_URL is set', async () => {
    const { h, browser } = rig;
    const orderId = await installingOrder();
    const app = createApp({
      client: h.client,
      taskQueue: h.taskQueue,
      apiKey: API_KEY,
      logger: pino({ level: 'silent' }),
      temporalUiUrl: 'http://temporal-ui.test/',
    });
    const api = await listenApi(app, 0, '127.0.0.1');
    try {
      const other = await browser.newPage();
      other.on('dialog', (dialog) => void dialog.dismiss());
      await other.goto(api.url);
      await logIn(other);
      await other.waitForSelector(`#orders a[data-order-id="${orderId}"]`, { timeout: 20_000 });
      const expected = `http://temporal-ui.test/namespaces/default/workflows/order-${orderId}`;
      const row = other.locator(`#orders tr:has(a[data-order-id="${orderId}"])`);
      expect(await row.locator('a[target="_blank"]').getAttribute('href')).toBe(expected);
      await other.click(`#orders a[data-order-id="${orderId}"]`);
      await other.waitForSelector(`#order-facts a[href="${expected}"]`);
      await other.click('#cancel-order');
      expect((await h.http().get(`/v1/orders/${orderId}`).set(auth)).body.status).toBe('INSTALLING');
      await other.close();
    } finally {
      await api.close();
    }
  });
});
