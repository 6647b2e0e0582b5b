import { chromium, type Browser, type Page } from 'playwright-core';
import {
  API_KEY,
  auth,
  orderBody,
  startApiHarness,
  uniqueOrderId,
  waitFor,
  type ApiHarness,
  type ApiHarnessOptions,
} from '../api/harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The API, an official Temporal engine, a worker and the simulated panel in-process, and a Chromium page. The dev
 * server by default; with `timeSkipping` the test server, which skips retry backoffs (to park an order) but has no
 * visibility, so the dashboard's order list and queue figures stay empty there.
 */
export interface DashboardRig {
  h: ApiHarness;
  browser: Browser;
  page: Page;
  /** Content-Security-Policy violations the page reported. */
  cspViolations: string[];
}

/** Starts the rig in beforeAll and stops it in afterAll; the page accepts every confirm(). */
export function useDashboardRig(options: Pick<ApiHarnessOptions, 'timeSkipping' | 'breakers'> = {}): DashboardRig {
  const rig = { cspViolations: [] as string[] } as DashboardRig;
  beforeAll(async () => {
    rig.h = await startApiHarness({ worker: true, installMs: 10 * 60_000, ...options });
    rig.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    rig.page = await rig.browser.newPage();
    rig.page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) rig.cspViolations.push(message.text());
    });
    rig.page.on('dialog', (dialog) => void dialog.accept());
  });
  afterEach(() => {
    rig.h?.sim?.panel.context.faults.replace({});
    rig.h?.expireBreakers();
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.h?.stop();
  });
  return rig;
}

/** Enters the API key on the login form and waits for the dashboard. */
export async function logIn(page: Page): Promise<void> {
  await page.fill('#api-key', API_KEY);
  await page.click('#key-form button[type="submit"]');
  await page.waitForSelector('#main:not([hidden])');
}

/** Places an order with a quick installation and waits until it is ACTIVE. */
export async function activeOrder(h: ApiHarness, label: string): Promise<string> {
  const orderId = uniqueOrderId(label);
  h.sim!.panel.context.faults.replace({ installMs: 50 });
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  await waitFor(
    () => h.http().get(`/v1/orders/${orderId}`).set(auth),
    (r) => r.body.status === 'ACTIVE',
  );
  h.sim!.panel.context.faults.replace({});
  return orderId;
}

/** Opens the order's page through its #order/<id> route. */
export async function openOrder(page: Page, orderId: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(`#order/${encodeURIComponent(orderId)}`)}`);
  await page.waitForSelector(`#order-section:not([hidden]) #order-id:has-text("${orderId}")`);
}

/** Clicks Refresh until `done` holds (visibility is eventually consistent), at most about 10 s. */
export async function refreshUntil(page: Page, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 40 && !(await done()); i += 1) {
    await page.click('#refresh');
    await page.waitForTimeout(250);
  }
}
