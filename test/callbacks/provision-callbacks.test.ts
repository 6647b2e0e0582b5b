import type { WorkflowHandle } from '@temporalio/client';
import type { CallbackEvent } from '../../src/callbacks/contract';
import { openApiDocument } from '../../src/api/openapi/document';
import { viewFromState } from '../../src/api/order-view';
import { legacySecretAsWebhookSecret } from '../../src/callbacks/standard-webhooks';
import { verifyCallbackRequest } from '../../src/callbacks/verify';
import { OrderStatusAttribute, orderStateQuery, type OrderState } from '../../src/workflows/contract';
import { paperOrder } from '../activities/panel-harness';
import { documentSchemas } from '../openapi-schema';
import { activities, activityTypes, closeEvent } from '../workflows/history';
import { runOrder, startWorkflowHarness, waitForStatus, type WorkflowHarness } from '../workflows/harness';
import { startReceiver, type ReceivedCallback, type Receiver } from './receiver';
import { verifiesWith } from './spec-verifier';

const SECRET = 'workflow-test-secret-0123456789abcdef';
const documented = documentSchemas(openApiDocument({ codec: false }));

describe('provisionServer: order callbacks', () => {
  let h: WorkflowHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });
  beforeEach(async () => {
    await h.panel.reset();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const verified = (request: ReceivedCallback): CallbackEvent => {
    expect(verifiesWith(legacySecretAsWebhookSecret(SECRET), request.headers, request.body)).toBe(true);
    expect(request.headers['webhook-id']).toBe(request.headers['x-event-id']);
    expect(verifyCallbackRequest(SECRET, request.headers, request.body)).toEqual({
      ok: true,
      eventId: request.headers['x-event-id'],
    });
    const event = JSON.parse(request.body) as CallbackEvent;
    expect(event.id).toBe(request.headers['x-event-id']);
    expect(documented.componentErrors('CallbackEvent', event)).toBeNull();
    return event;
  };

  it('POSTs one signed order.active event after the order is ACTIVE in its query and search attributes', async () => {
    let started: (handle: WorkflowHandle) => void = () => undefined;
    const handle = new Promise<WorkflowHandle>((resolve) => {
      started = resolve;
    });
    const seenWhileDelivering: Array<{ query: OrderState; attribute: unknown }> = [];
    receiver.reply = async () => {
      const wf = await handle;
      seenWhileDelivering.push({
        query: await wf.query(orderStateQuery),
        attribute: (await wf.describe()).typedSearchAttributes.get(OrderStatusAttribute),
      });
      return { status: 204 };
    };
    const order = paperOrder('cb-active', { tier: 'premium', userId: 3, callbackUrl: receiver.url });
    const { state, history } = await runOrder(h, order, { callbackSecret: SECRET, during: async (wf) => started(wf) });

    expect(state.status).toBe('ACTIVE');
    expect(receiver.received).toHaveLength(1);
    const event = verified(receiver.received[0]);
    expect(event).toEqual({
      id: 'order-cb-active:active:1',
      type: 'order.active',
      orderId: 'cb-active',
      status: 'ACTIVE',
      occurredAt: state.updatedAt,
      order: { orderId: 'cb-active', status: 'ACTIVE', tier: 'premium', userId: 3, server: state.server, error: null },
    });
    expect(seenWhileDelivering).toEqual([
      { query: expect.objectContaining({ status: 'ACTIVE' }), attribute: 'ACTIVE' },
    ]);
    expect(seenWhileDelivering[0].query.callbacks).toEqual([
      expect.objectContaining({ eventId: event.id, delivered: false, error: null }),
    ]);
    expect(state.callbacks).toEqual([
      {
        eventId: 'order-cb-active:active:1',
        type: 'order.active',
        status: 'ACTIVE',
        delivered: true,
        deliveredAt: expect.any(String),
        error: null,
      },
    ]);
    expect(viewFromState(state).callbacks).toEqual(state.callbacks);
    expect(viewFromState({ ...state, callbacks: [] })).not.toHaveProperty('callbacks');
    expect(activityTypes(history)).toEqual([
      'allocate',
      'create',
      'install',
      'configure',
      'verify',
      'startServerEntity',
      'deliverCallback',
    ]);
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
    const inHistory = JSON.stringify(history.events);
    expect(inHistory).not.toContain(SECRET);
  });

  it('POSTs order.failed with the error once a failed order has rolled back', async () => {
    const order = paperOrder('cb-failed', {
      eggId: 2,
      environment: { DIFFICULTY: 'impossible' },
      callbackUrl: receiver.url,
    });
    const { state, history } = await runOrder(h, order, { callbackSecret: SECRET });

    expect(state.status).toBe('FAILED');
    expect(activityTypes(history)).toEqual([
      'allocate',
      'create',
      'deleteServer',
      'releaseAllocation',
      'deliverCallback',
    ]);
    expect(receiver.received).toHaveLength(1);
    expect(verified(receiver.received[0])).toMatchObject({
      id: 'order-cb-failed:failed:1',
      type: 'order.failed',
      status: 'FAILED',
      order: { status: 'FAILED', server: null, error: { step: 'create', type: 'InvalidEnvironment' } },
    });
    expect(state.callbacks).toEqual([
      expect.objectContaining({ eventId: 'order-cb-failed:failed:1', delivered: true }),
    ]);
  });

  it('POSTs order.cancelled even when Temporal cancelled the workflow', async () => {
    const { state } = await runOrder(h, paperOrder('cb-cancelled', { callbackUrl: receiver.url }), {
      callbackSecret: SECRET,
      during: async (wf) => {
        await waitForStatus(wf, 'INSTALLING');
        await wf.cancel();
      },
    });
    expect(state.status).toBe('CANCELLED');
    expect(receiver.received.map((r) => verified(r).type)).toEqual(['order.cancelled']);
    expect(state.callbacks).toEqual([expect.objectContaining({ delivered: true })]);
  });

  it('retries a callback the receiver could not take, delivering the same event id', async () => {
    receiver.reply = (_request, index) => ({ status: index === 0 ? 503 : 200 });
    const { state, history, failures } = await runOrder(h, paperOrder('cb-retry', { callbackUrl: receiver.url }), {
      callbackSecret: SECRET,
    });
    expect(state.callbacks).toEqual([expect.objectContaining({ delivered: true, error: null })]);
    expect(receiver.received.map((r) => verified(r).id)).toEqual([
      'order-cb-retry:active:1',
      'order-cb-retry:active:1',
    ]);
    expect(activities(history).at(-1)).toMatchObject({ type: 'deliverCallback', attempt: 2, outcome: 'completed' });
    expect(failures).toEqual([
      expect.objectContaining({ activity: 'deliverCallback', attempt: 1, type: 'CallbackUnavailable' }),
    ]);
  });

  it('retries a callback the receiver refused with 401 (say, a stale signature after clock skew)', async () => {
    receiver.reply = (_request, index) => ({ status: index === 0 ? 401 : 204 });
    const { state, failures } = await runOrder(h, paperOrder('cb-401', { callbackUrl: receiver.url }), {
      callbackSecret: SECRET,
    });
    expect(state.callbacks).toEqual([expect.objectContaining({ delivered: true, error: null })]);
    expect(receiver.received.map((r) => verified(r).id)).toEqual(['order-cb-401:active:1', 'order-cb-401:active:1']);
    expect(failures).toEqual([
      expect.objectContaining({ activity: 'deliverCallback', attempt: 1, type: 'CallbackRefused' }),
    ]);
  });

  it('records a callback the receiver refused for good (410 Gone), keeping the order ACTIVE and the workflow completed', async () => {
    receiver.reply = () => ({ status: 410 });
    const { state, history, handle } = await runOrder(h, paperOrder('cb-refused', { callbackUrl: receiver.url }), {
      callbackSecret: SECRET,
    });
    expect(state.status).toBe('ACTIVE');
    expect(receiver.received).toHaveLength(1);
    expect(state.callbacks).toEqual([
      expect.objectContaining({
        eventId: 'order-cb-refused:active:1',
        delivered: false,
        deliveredAt: null,
        error: { type: 'CallbackRejected', message: expect.stringContaining('answered 410') },
      }),
    ]);
    expect(activities(history).at(-1)).toMatchObject({ type: 'deliverCallback', attempt: 1, outcome: 'failed' });
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
    expect((await handle.describe()).typedSearchAttributes.get(OrderStatusAttribute)).toBe('ACTIVE');
  });

  it('gives up at once on a callbackUrl the outbound guard refuses, with a generic error, keeping the order ACTIVE', async () => {
    const order = paperOrder('cb-private', { callbackUrl: 'http://10.0.0.5:8080/cb?token=t' });
    const { state, history } = await runOrder(h, order, { callbackSecret: SECRET });
    expect(state.status).toBe('ACTIVE');
    expect(state.callbacks).toEqual([
      expect.objectContaining({
        delivered: false,
        error: {
          type: 'CallbackAddressRefused',
          message:
            'callback to http://10.0.0.5:8080 not sent: its host is not a public address (see CALLBACK_ALLOWED_HOSTS)',
        },
      }),
    ]);
    expect(viewFromState(state).callbacks?.[0].error?.message).not.toContain('token');
    expect(activities(history).at(-1)).toMatchObject({ type: 'deliverCallback', attempt: 1, outcome: 'failed' });
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
  });
});
