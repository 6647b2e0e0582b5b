import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { createReservationLedger, type AllocationReservations } from '../../src/activities';
import type { OperatorWebhookFormat } from '../../src/activities/operator-webhook';
import { ProcessFlow } from '../../src/flow/process-flow';
import { createWorker } from '../../src/worker';
import type { OrderWorker } from '../../src/worker/order-worker';
import { PROVISION_WORKFLOW_TYPE, orderWorkflowId, type Order, type OrderState } from '../../src/workflows/contract';
import { silentLogger } from '../activities/panel-harness';
import { localReceiversGuard } from '../net/local-receivers';
import { endServerEntities, TEST_FLOW_CONFIG, type HookPlan, type WorkflowHarness } from './harness';

/** A local HTTP receiver for the operators' webhook: records each request's body and X-Event-Id. */
export interface WebhookReceiver {
  url: string;
  received: Array<{ eventId: string | undefined; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => {
      data += chunk.toString();
    });
    req.on('end', () => {
      received.push({
        eventId: req.headers['x-event-id'] as string | undefined,
        body: JSON.parse(data) as Record<string, unknown>,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One worker for a test file: breakers that never open (so a step runs out of retries), hooks swappable per test. */
export interface ParkingRig {
  worker: OrderWorker;
  taskQueue: string;
  reservations: AllocationReservations;
  hooks: HookPlan;
  /** `result()` waits for the end, letting server time run freely: call it once the order cannot park again. */
  start(order: Order): Promise<{ handle: WorkflowHandle; result: () => Promise<OrderState> }>;
  stop(): Promise<void>;
}

function hookInterceptor(rig: { hooks: HookPlan }): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const hook = rig.hooks[ctx.info.activityType as keyof HookPlan];
        if (hook) await hook({ attempt: ctx.info.attempt, input: input.args[0] as never });
        return next(input);
      },
    },
  });
}

/** The secret the rig's worker signs order callbacks with (orders given a callbackUrl get them). */
export const PARKING_CALLBACK_SECRET = 'parking-test-secret-0123456789abcdef';

export async function startParkingRig(
  h: WorkflowHarness,
  webhook: { url?: string; format?: OperatorWebhookFormat },
): Promise<ParkingRig> {
  const taskQueue = `parking-${Date.now()}`;
  const reservations = createReservationLedger();
  const flow = new ProcessFlow({
    provider: (onRateLimit) => h.panel.client({ onRateLimit }),
    reservations,
    installPollMs: 50,
    limitPerMinute: TEST_FLOW_CONFIG.rateLimitPerMinute,
    reserve: 0,
    logger: silentLogger,
    breakers: { failureThreshold: 10_000 },
  });
  const rig = { hooks: {} as HookPlan };
  const worker = await createWorker({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace ?? 'default',
    taskQueue,
    createSettleMs: 1000,
    provider: flow.provider,
    flow,
    logger: silentLogger,
    flowConfig: TEST_FLOW_CONFIG,
    workflowBundle: h.bundle,
    operatorWebhook: webhook,
    callbackSecret: PARKING_CALLBACK_SECRET,
    outboundGuard: localReceiversGuard(),
    tuning: { maxHeartbeatThrottleInterval: '100 ms', interceptors: { activity: [hookInterceptor(rig)] } },
  });
  const running = worker.run();
  const started: string[] = [];
  return Object.assign(rig, {
    worker,
    taskQueue,
    reservations,
    async start(order: Order) {
      started.push(order.orderId);
      const handle = await h.env.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: orderWorkflowId(order.orderId),
        args: [order],
      });
      const result = async () => {
        const state = (await handle.result()) as OrderState;
        await endServerEntities(h, [order.orderId]);
        return state;
      };
      return { handle, result };
    },
    async stop() {
      await endServerEntities(h, started);
      worker.shutdown();
      await running;
      flow.stop();
    },
  });
}
