import { chromium, type Browser } from 'playwright-core';
import { orderBody, startStack, type StackProcess } from '../e2e/stack-process';
import { CHROMIUM, CHROMIUM_ARGS } from './dashboard-rig';

// The whole npm start stack (src/main.ts as a child process), its Temporal UI and Chromium.
let stack: StackProcess;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the Temporal UI that npm start serves', () => {
  it("shows an order's workflow Completed with its activities", async () => {
    expect((await stack.api('POST', '/v1/orders', orderBody('ui-1001'))).status).toBe(202);
    const deadline = Date.now() + 60_000;
    let order = await stack.api<{ status: string; links: { temporalUi?: string } }>('GET', '/v1/orders/ui-1001');
    while (order.body.status !== 'ACTIVE' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      order = await stack.api('GET', '/v1/orders/ui-1001');
    }
    expect(order.body.status).toBe('ACTIVE');
    const page = `${stack.temporalUiUrl}/namespaces/default/workflows/order-ui-1001`;
    expect(order.body.links.temporalUi).toBe(page);
    expect(stack.output()).toContain(`Temporal UI  ${stack.temporalUiUrl}/namespaces/default/workflows`);

    const tab = await browser.newPage();
    await tab.goto(page);
    await tab.waitForSelector('text=Completed', { timeout: 30_000 });
    await tab.waitForSelector('text=provisionServer');
    for (const activity of ['allocate', 'create', 'install', 'configure', 'verify']) {
      await tab.getByText(activity, { exact: true }).first().waitFor({ timeout: 10_000 });
    }
    await tab.close();
  });
});
