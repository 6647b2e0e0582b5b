import { callbackTaskQueue } from '../../src/callbacks/contract';
import { paperOrder } from '../activities/panel-harness';
import { runOrder, startWorkflowHarness, type WorkflowHarness } from '../workflows/harness';
import { startReceiver, type Receiver } from './receiver';

const SECRET = 'workflow-test-secret-0123456789abcdef';

describe('order callbacks run on their own task queue', () => {
  let h: WorkflowHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startWorkflowHarness();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.teardown();
  });

  it('schedules deliverCallback on <order queue>-callbacks, where the callback worker delivers it', async () => {
    const order = paperOrder('cb-queue', { callbackUrl: receiver.url });
    const { state, history, handle } = await runOrder(h, order, {
      callbackSecret: SECRET,
      record: 'callback-delivered',
    });
    expect(state).toMatchObject({ status: 'ACTIVE', callbacks: [{ delivered: true }] });
    const orderQueue = (await handle.describe()).taskQueue;
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'deliverCallback');
    expect(scheduled.map((a) => a?.taskQueue?.name)).toEqual([callbackTaskQueue(orderQueue)]);
    expect(receiver.received).toHaveLength(1);
  });
});
