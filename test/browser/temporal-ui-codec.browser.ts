import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { chromium, type Browser } from 'playwright-core';
import { ENCRYPTED_ENCODING } from '../../src/codec';
import { orderBody, startStack, type StackProcess } from '../e2e/stack-process';
import { temporalInterceptors } from '../../src/temporal-grpc';
import { CHROMIUM, CHROMIUM_ARGS } from './dashboard-rig';

// The npm start stack with PAYLOAD_ENCRYPTION_KEY: its Temporal UI decrypts through the API's /codec.
const ORDER_ID = `codec-ui-${process.pid}`;
const SECRET = `s3cret-${randomBytes(8).toString('hex')}.jar`;
const NAME = `codec-ui-name-${randomBytes(6).toString('hex')}`;

let stack: StackProcess;
let browser: Browser;
let connection: Connection | undefined;

beforeAll(async () => {
  stack = await startStack({
    env: {
      PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      CODEC_ALLOW_UNAUTHENTICATED_FROM_UI: 'true',
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const body = orderBody(ORDER_ID, { name: NAME, environment: { SERVER_JARFILE: SECRET } });
  expect((await stack.api('POST', '/v1/orders', body)).status).toBe(202);
  const deadline = Date.now() + 60_000;
  let order = await stack.api<{ status: string }>('GET', `/v1/orders/${ORDER_ID}`);
  while (order.body.status !== 'ACTIVE' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    order = await stack.api('GET', `/v1/orders/${ORDER_ID}`);
  }
  expect(order.body.status).toBe('ACTIVE');
});

afterAll(async () => {
  await connection?.close();
  await browser?.close();
  await stack?.stop();
});

describe('the Temporal UI of npm start with PAYLOAD_ENCRYPTION_KEY', () => {
  it('stores only ciphertext in the history', async () => {
    connection = await Connection.connect({ address: stack.temporalAddress, interceptors: temporalInterceptors() });
    const client = new Client({ connection, namespace: 'default' });
    const { history } = await client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: `order-${ORDER_ID}` },
    });
    const events = history?.events ?? [];
    expect(events.length).toBeGreaterThan(10);
    const input = events[0].workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(input.length).toBeGreaterThan(0);
    for (const payload of input)
      expect(Buffer.from(payload.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    for (const event of events) {
      const raw = Buffer.from(temporal.api.history.v1.HistoryEvent.encode(event).finish());
      expect(raw.includes(SECRET)).toBe(false);
      expect(raw.includes(NAME)).toBe(false);
    }
  });

  it("shows the decrypted input on the workflow's page", async () => {
    const tab = await browser.newPage();
    const decodes: number[] = [];
    const failed: string[] = [];
    tab.on('response', (res) => {
      if (res.url() === `${stack.apiUrl}/codec/decode` && res.request().method() === 'POST') decodes.push(res.status());
    });
    tab.on('requestfailed', (req) => {
      if (req.url().includes('/codec/')) failed.push(`${req.method()} ${req.failure()?.errorText ?? ''}`);
    });
    await tab.goto(`${stack.temporalUiUrl}/namespaces/default/workflows/order-${ORDER_ID}`);
    await tab.waitForSelector('text=Completed', { timeout: 30_000 });
    await tab.getByText(SECRET).first().waitFor({ timeout: 30_000 });
    await tab.getByText(NAME).first().waitFor({ timeout: 10_000 });
    expect(failed).toEqual([]);
    expect(decodes.length).toBeGreaterThan(0);
    expect(decodes.every((status) => status === 200)).toBe(true);
    await tab.close();
  });
});
