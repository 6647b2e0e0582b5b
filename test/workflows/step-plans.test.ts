import { ActivityCancellationType } from '@temporalio/common';
import {
  ORDER_QUEUE_ACTIVITIES,
  PLANNING_ACTIVITIES,
  PROVIDER_ACTIVITIES,
  type ProvisioningActivities,
} from '../../src/workflows/activity-contract';
import type { Step } from '../../src/workflows/contract';
import type { OperationStep } from '../../src/workflows/server-operation-contract';
import { ORDER_STEP_PLANS, OPERATION_STEP_PLANS, type StepPlan } from '../../src/workflows/step-plans';

type ActivityName = keyof ProvisioningActivities;

// The activity each step calls (provision-server.ts, placement.ts, server-operation-steps.ts).
const ORDER_STEP_ACTIVITY: Record<Step, ActivityName> = {
  allocate: 'allocate',
  create: 'create',
  install: 'install',
  configure: 'configure',
  verify: 'verify',
};
const OPERATION_STEP_ACTIVITY: Record<OperationStep, ActivityName> = {
  suspend: 'suspendServer',
  unsuspend: 'unsuspendServer',
  reinstall: 'reinstallServer',
  install: 'install',
  read: 'readBuild',
  apply: 'applyBuild',
  verify: 'verifyBuild',
  delete: 'deleteServer',
  release: 'releaseAllocation',
  restore: 'applyBuild',
};

const SERVED: Record<StepPlan['queue'], readonly string[]> = {
  provider: PROVIDER_ACTIVITIES,
  planning: PLANNING_ACTIVITIES,
  order: ORDER_QUEUE_ACTIVITIES,
};

const rows = <S extends string>(plans: Record<S, StepPlan>, activities: Record<S, ActivityName>) =>
  (Object.keys(plans) as S[]).map((step) => [step, plans[step].queue, activities[step]] as const);

describe('step plans: each step runs on a queue whose worker serves its activity', () => {
  it.each(rows(ORDER_STEP_PLANS, ORDER_STEP_ACTIVITY))('order step %s on the %s queue (%s)', (_, queue, activity) => {
    expect(SERVED[queue]).toContain(activity);
  });

  it.each(rows(OPERATION_STEP_PLANS, OPERATION_STEP_ACTIVITY))(
    'operation step %s on the %s queue (%s)',
    (_, queue, activity) => {
      expect(SERVED[queue]).toContain(activity);
    },
  );

  it('registers the rollbacks of the steps that create something, and only those', () => {
    const undos = Object.fromEntries(Object.entries(ORDER_STEP_PLANS).map(([step, plan]) => [step, plan.undo]));
    expect(undos).toEqual({
      allocate: 'releaseAllocation',
      create: 'deleteServer',
      install: null,
      configure: null,
      verify: null,
    });
    expect(OPERATION_STEP_PLANS.apply.undo).toBe('restoreBuild');
  });

  it('runs the panel-changing steps of an order to completion when the order is cancelled', () => {
    for (const step of ['create', 'configure'] as const) {
      expect(ORDER_STEP_PLANS[step].options.cancellationType).toBe(
        ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      );
    }
  });
});
