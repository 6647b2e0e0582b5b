import { chromium, type Browser, type Page } from 'playwright-core';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { listenApi } from '../../src/api/server';
import { API_KEY, auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from '../api/harness';
import { parkByFailedRollback } from '../api/park-order';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let h: ApiHarness;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

async function installingOrder(): Promise<string> {
  const orderId = uniqueOrderId('dash');
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  const res = await waitFor(() => h.http().get(`/v1/orders/${orderId}`).set(auth), (r) => r.body.status === 'INSTALLING');
  expect(res.body.status).toBe('INSTALLING');
  return orderId;
}

const orderLink = (orderId: string) => page.locator(`#orders a[data-order-id="${orderId}"]`);

/** Refreshes the list until the order shows up (visibility is eventually consistent). */
async function expectListed(orderId: string): Promise<void> {
  for (let i = 0; i < 40 && (await orderLink(orderId).count()) === 0; i += 1) {
    await page.click('#refresh');
    await page.waitForTimeout(250);
  }
  expect(await orderLink(orderId).count()).toBe(1);
}

async function filterByStatus(status: string): Promise<void> {
  await page.selectOption('#filter-status', status);
  await page.click('#filters button[type="submit"]');
  await page.waitForResponse((res) => res.url().includes(`/v1/orders?status=${status}`));
}

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 10 * 60_000, timeSkipping: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('dialog', (dialog) => void dialog.accept());
});

afterEach(() => {
  h?.sim?.panel.context.faults.replace({});
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('dashboard in a browser', () => {
  it('asks for the key, lists and filters orders, shows an order, and cancels it', async () => {
    const first = await installingOrder();
    const second = await installingOrder();

    await page.goto(h.api.url);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#api-key', 'wrong-key');
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#notice:has-text("refused")');
    await page.fill('#api-key', API_KEY);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#main:not([hidden])');
    expect(page.url()).not.toContain(API_KEY);
    expect(await page.evaluate('sessionStorage.getItem("server-queue.apiKey")')).toBe(API_KEY);
    expect(await page.textContent('#queue')).toContain('Provider budget');

    await expectListed(first);
    await expectListed(second);

    await filterByStatus('ACTIVE');
    expect(await orderLink(first).count()).toBe(0);
    await filterByStatus('INSTALLING');
    await expectListed(first);
    expect(await page.textContent(`#orders tr:has(a[data-order-id="${first}"])`)).toContain('INSTALLING');

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
    await waitFor(() => h.http().get(`/v1/orders/${second}`).set(auth), (r) => r.body.status === 'CANCELLED');

    expect(cspViolations).toEqual([]);
  });

  it('shows a parked order with its ledger; Roll back, with a note, clears it from the panel', async () => {
    const orderId = await parkByFailedRollback(h, 'dash-parked');
    h.sim!.panel.context.faults.replace({});
    await filterByStatus('NEEDS_ATTENTION');
    await expectListed(orderId);
    await orderLink(orderId).click();
    await page.waitForSelector(`#order-section:not([hidden]) #order-id:has-text("${orderId}")`);
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
    expect(done.body).toMatchObject({ status: 'CANCELLED', parked: { resolution: { action: 'rollback', note: 'panel is back; removing the server' } } });
    expect(h.sim!.panel.state().servers.filter((server) => server.external_id === orderId)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('lists the server operations of an order', async () => {
    const orderId = uniqueOrderId('dash-ops');
    h.sim!.panel.context.faults.replace({ installMs: 50 });
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    await waitFor(() => h.http().get(`/v1/orders/${orderId}`).set(auth), (r) => r.body.status === 'ACTIVE');
    const accepted = await h.http().post(`/v1/orders/${orderId}/operations`).set(auth).send({ operation: 'suspend' }).expect(202);
    await waitFor(() => h.http().get(accepted.body.links.self).set(auth), (r) => r.body.status === 'COMPLETED');
    h.sim!.panel.context.faults.replace({});
    await page.evaluate(`location.hash = ${JSON.stringify(`#order/${encodeURIComponent(orderId)}`)}`);
    await page.waitForSelector(`#order-section:not([hidden]) #order-id:has-text("${orderId}")`);
    for (let i = 0; i < 40 && !(await page.textContent('#operations tbody'))?.includes('suspend'); i += 1) {
      await page.click('#refresh');
      await page.waitForTimeout(250);
    }
    const operations = await page.textContent('#operations tbody');
    expect(operations).toContain('suspend');
    expect(operations).toContain('COMPLETED');
    expect(await page.isVisible('#operations-empty')).toBe(false);
  });

  it('cancels a running operation from its row, which ends CANCELLED with the note as its reason', async () => {
    const orderId = uniqueOrderId('dash-op-cancel');
    h.sim!.panel.context.faults.replace({ installMs: 50 });
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    await waitFor(() => h.http().get(`/v1/orders/${orderId}`).set(auth), (r) => r.body.status === 'ACTIVE');
    h.sim!.panel.context.faults.replace({ installMs: 10 * 60_000 });
    const accepted = await h.http().post(`/v1/orders/${orderId}/operations`).set(auth).send({ operation: 'reinstall' }).expect(202);
    await waitFor(() => h.http().get(accepted.body.links.self).set(auth), (r) => r.body.step === 'install');
    await page.evaluate(`location.hash = ${JSON.stringify(`#order/${encodeURIComponent(orderId)}`)}`);
    await page.waitForSelector(`#order-section:not([hidden]) #order-id:has-text("${orderId}")`);
    const cancelButton = page.locator(`#operations button.cancel-operation[data-operation-id="${accepted.body.operationId}"]`);
    for (let i = 0; i < 40 && (await cancelButton.count()) === 0; i += 1) {
      await page.click('#refresh');
      await page.waitForTimeout(250);
    }
    await page.fill('#action-note', 'customer changed their mind');
    await cancelButton.click();
    await page.waitForSelector('#operations tbody tr:has-text("reinstall"):has-text("CANCELLED")', { timeout: 30_000 });
    expect(await cancelButton.count()).toBe(0);
    const done = await h.http().get(accepted.body.links.self).set(auth);
    expect(done.body).toMatchObject({ status: 'CANCELLED', error: { step: 'install', type: 'Cancelled', message: 'customer changed their mind' } });
    expect(h.sim!.panel.state().servers.filter((server) => server.external_id === orderId)).toHaveLength(1);
    expect(cspViolations).toEqual([]);
  });

  it('links orders to the Temporal UI when TEMPORAL_UI_URL is set', async () => {
    const orderId = await installingOrder();
    const app = createApp({
      client: h.client, taskQueue: h.taskQueue, apiKey: API_KEY, logger: pino({ level: 'silent' }), temporalUiUrl: 'http://temporal-ui.test/',
    });
    const api = await listenApi(app, 0, '127.0.0.1');
    try {
      const other = await browser.newPage();
      other.on('dialog', (dialog) => void dialog.dismiss());
      await other.goto(api.url);
      await other.fill('#api-key', API_KEY);
      await other.click('#key-form button[type="submit"]');
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
