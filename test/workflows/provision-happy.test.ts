import type { WorkflowExecutionDescription } from '@temporalio/client';
import { OrderStatusAttribute, TierAttribute, UserIdAttribute, orderWorkflowId } from '../../src/workflows/contract';
import { ServerStatusAttribute, serverEntityWorkflowId } from '../../src/workflows/server-entity-contract';
import { startServerEntityWorkflow } from '../../src/temporal-entities';
import { DEFAULT_FLOW_POLICY, planningTaskQueue, providerTaskQueue } from '../../src/workflows/flow-contract';
import { paperOrder, serversOf } from '../activities/panel-harness';
import { activities, activityTypes, closeEvent } from './history';
import { faultsOnFirstAttempt, runOrder, statuses, useWorkflowHarness, type WorkflowHarness } from './harness';

describe('provisionServer: success paths', () => {
  let h: WorkflowHarness;
  useWorkflowHarness((started) => (h = started));

  it('takes an order through every step to ACTIVE with one verified server on the panel', async () => {
    const order = paperOrder('happy-1', { tier: 'premium', userId: 3 });
    let entityWhileOrderEnded: WorkflowExecutionDescription | undefined;
    const { state, history, handle, reservations, sim } = await runOrder(h, order, {
      record: 'happy-path',
      after: async () => {
        entityWhileOrderEnded = await h.env.client.workflow.getHandle(serverEntityWorkflowId('happy-1')).describe();
      },
    });

    expect(state).toMatchObject({
      orderId: 'happy-1',
      status: 'ACTIVE',
      step: null,
      error: null,
      compensationErrors: [],
      tier: 'premium',
      userId: 3,
    });
    expect(statuses(state)).toEqual([
      'QUEUED',
      'ALLOCATING',
      'CREATING',
      'INSTALLING',
      'CONFIGURING',
      'VERIFYING',
      'ACTIVE',
    ]);
    expect(activityTypes(history)).toEqual([
      'allocate',
      'create',
      'install',
      'configure',
      'verify',
      'startServerEntity',
    ]);
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
    const queueOf = Object.fromEntries(
      (history.events ?? []).flatMap((e) => {
        const scheduled = e.activityTaskScheduledEventAttributes;
        return scheduled ? [[scheduled.activityType?.name, scheduled.taskQueue?.name]] : [];
      }),
    );
    const orders = (await handle.describe()).taskQueue;
    expect(queueOf).toEqual({
      allocate: planningTaskQueue(orders),
      create: providerTaskQueue(orders),
      install: orders,
      configure: planningTaskQueue(orders),
      verify: providerTaskQueue(orders),
      startServerEntity: orders,
    });
    const parent = await handle.describe();
    const entity = await h.env.client.workflow.getHandle(serverEntityWorkflowId('happy-1')).describe();
    expect(entity.parentExecution).toBeUndefined();
    expect(entity.taskQueue).toBe(orders);
    const lived = entityWhileOrderEnded!;
    if (lived.status.name !== 'RUNNING') {
      // The test server gives every workflow a default execution timeout, which time may skip to once the order ends.
      expect(lived.status.name).toBe('TIMED_OUT');
      expect(lived.closeTime!.getTime() - parent.closeTime!.getTime()).toBeGreaterThan(365 * 24 * 3600_000);
    }
    expect(entity.typedSearchAttributes.get(ServerStatusAttribute)).toBe('ACTIVE');
    expect(entity.typedSearchAttributes.get(UserIdAttribute)).toBe(3);

    const [server] = serversOf(sim, 'happy-1');
    expect(serversOf(sim, 'happy-1')).toHaveLength(1);
    expect(server).toMatchObject({
      id: state.server?.id,
      status: null,
      suspended: false,
      user: 3,
      allocation: state.server?.allocation.id,
    });
    expect(sim.allocations.find((a) => a.id === state.server?.allocation.id)).toMatchObject({
      server: server.id,
      port: state.server?.allocation.port,
    });
    expect(reservations).toEqual([]);

    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(OrderStatusAttribute)).toBe('ACTIVE');
    expect(attributes.get(UserIdAttribute)).toBe(3);
    expect(attributes.get(TierAttribute)).toBe('premium');
    const times = state.timeline.map((t) => Date.parse(t.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('records phases in visibility for orders the API starts: one upsert into provisioning and one at ACTIVE', async () => {
    const order = paperOrder('phases-1', { tier: 'standard', userId: 2 });
    const { state, history, handle } = await runOrder(h, order, {
      provisionOptions: { policy: DEFAULT_FLOW_POLICY.standard, recordedStatuses: 'phases' },
      startAttributes: true,
      record: 'entity-activity-started',
    });
    expect(state.status).toBe('ACTIVE');
    expect(statuses(state)).toEqual([
      'QUEUED',
      'ALLOCATING',
      'CREATING',
      'INSTALLING',
      'CONFIGURING',
      'VERIFYING',
      'ACTIVE',
    ]);
    const upserted = (history.events ?? []).flatMap((e) => {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
      const status = fields?.OrderStatus?.data;
      return status ? [JSON.parse(Buffer.from(status).toString())] : [];
    });
    expect(upserted).toEqual(['PROVISIONING', 'ACTIVE']);
    expect((await handle.describe()).typedSearchAttributes.get(OrderStatusAttribute)).toBe('ACTIVE');
  });

  it('records every status in visibility for orders started without recordedStatuses (earlier versions)', async () => {
    const { history } = await runOrder(h, paperOrder('legacy-statuses'));
    const upserted = (history.events ?? []).flatMap((e) => {
      const status =
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.OrderStatus?.data;
      return status ? [JSON.parse(Buffer.from(status).toString())] : [];
    });
    expect(upserted).toEqual(['QUEUED', 'ALLOCATING', 'CREATING', 'INSTALLING', 'CONFIGURING', 'VERIFYING', 'ACTIVE']);
  });

  it.each(['allocate', 'create', 'verify'] as const)(
    'reaches ACTIVE when %s fails once with a daemon error and its retry succeeds',
    async (step) => {
      const order = paperOrder(`transient-${step}`);
      const { state, history, sim, reservations, failures } = await runOrder(h, order, {
        hooks: { [step]: faultsOnFirstAttempt(h.panel, { errorRate: 1 }) },
        record: step === 'create' ? 'transient-create' : undefined,
      });
      expect(state.status).toBe('ACTIVE');
      const record = activities(history).find((a) => a.type === step);
      expect(record).toMatchObject({ attempt: 2, outcome: 'completed' });
      expect(failures).toEqual([expect.objectContaining({ activity: step, attempt: 1, type: 'PanelUnavailable' })]);
      expect(
        activities(history)
          .filter((a) => a.type !== step)
          .every((a) => a.attempt === 1),
      ).toBe(true);
      expect(serversOf(sim, order.orderId)).toEqual([expect.objectContaining({ id: state.server?.id, status: null })]);
      expect(reservations).toEqual([]);
    },
  );

  it('keeps waiting through daemon errors while the server installs, reaching ACTIVE without failing the install', async () => {
    const order = paperOrder('transient-install');
    const { state, history, sim } = await runOrder(h, order, {
      hooks: {
        install: async ({ attempt }) => {
          if (attempt > 1) return;
          await h.panel.faults({ errorRate: 1 });
          setTimeout(() => void h.panel.faults({}), 500);
        },
      },
    });
    expect(state.status).toBe('ACTIVE');
    expect(activities(history).find((a) => a.type === 'install')).toMatchObject({ attempt: 1, outcome: 'completed' });
    expect(serversOf(sim, order.orderId)).toEqual([expect.objectContaining({ id: state.server?.id, status: null })]);
  });

  it('configures without a panel request when the installed server matches the order, so a daemon error then changes nothing', async () => {
    const { state, history } = await runOrder(h, paperOrder('configure-no-call'), {
      hooks: { configure: faultsOnFirstAttempt(h.panel, { errorRate: 1 }) },
    });
    expect(state.status).toBe('ACTIVE');
    expect(activities(history).find((a) => a.type === 'configure')).toMatchObject({ attempt: 1, outcome: 'completed' });
    expect(state.timeline.some((t) => t.detail === 'already as ordered')).toBe(true);
  });

  it('keeps an entity that already runs under the server entity id, and the order still ends ACTIVE', async () => {
    const order = paperOrder('entity-taken', { userId: 3 });
    const entityId = serverEntityWorkflowId(order.orderId);
    const { state } = await runOrder(h, order, {
      hooks: {
        verify: async () => {
          const { taskQueue } = await h.env.client.workflow.getHandle(orderWorkflowId(order.orderId)).describe();
          const server = { id: 1, uuid: 'u', identifier: 'i', node: 1, allocation: { id: 1, ip: '10.0.0.1', port: 1 } };
          const entity = { orderId: order.orderId, userId: 3, tier: order.tier, externalId: 'adopted', server };
          expect(await startServerEntityWorkflow(h.env.client, taskQueue, entity)).toBe('running');
        },
      },
    });
    expect(state.status).toBe('ACTIVE');
    expect(state.timeline.map((t) => t.detail)).toContain(`server entity ${entityId} started`);
    const [first] = (await h.env.client.workflow.getHandle(entityId).fetchHistory()).events ?? [];
    const [input] = first.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(JSON.parse(Buffer.from(input.data!).toString())).toMatchObject({ externalId: 'adopted' });
  });
});
