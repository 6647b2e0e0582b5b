import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';
import {
  RECONCILE_WORKFLOW_TYPE,
  reconcileScheduleId,
  type ReconcileInput,
  type ReconcilePolicy,
  type ReconcileReport,
} from './workflows/reconcile-contract';
import { describeIfFound } from './temporal-errors';

export interface ReconcileSettings {
  /** RECONCILE_INTERVAL; 0 pauses the sweep. */
  intervalMs: number;
  policy: ReconcilePolicy;
  /** How fresh a server or entity may be and still be judged (tests: 0); default RECONCILE_SETTLE_MS. */
  settleMs?: number;
}

/**
 * Creates the Schedule of the order task queue's reconciliation sweep, or brings an existing one to `settings`
 * (interval, policy, paused when the interval is 0). Overlap: skip (a sweep still running makes the next one wait
 * for the interval after); catch-up: one interval.
 */
export async function ensureReconcileSchedule(
  client: Client,
  taskQueue: string,
  settings: ReconcileSettings,
): Promise<'created' | 'updated'> {
  const input: ReconcileInput = {
    taskQueue,
    policy: settings.policy,
    ...(settings.settleMs === undefined ? {} : { settleMs: settings.settleMs }),
  };
  const every = Math.max(settings.intervalMs, 60_000);
  const paused = settings.intervalMs === 0;
  const note = paused ? 'RECONCILE_INTERVAL is 0' : undefined;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: RECONCILE_WORKFLOW_TYPE,
    workflowId: `reconciliation-sweep-${taskQueue}`,
    taskQueue,
    args: [input],
  };
  try {
    await client.schedule.create({
      scheduleId: reconcileScheduleId(taskQueue),
      spec: { intervals: [{ every }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every },
      state: { paused, note },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(reconcileScheduleId(taskQueue)).update((previous) => ({
    ...previous,
    spec: { intervals: [{ every }] },
    action,
    policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every },
    state: { ...previous.state, paused, note },
  }));
  return 'updated';
}

export interface ReconcileStatus {
  schedule: { intervalMs: number | null; paused: boolean; nextRunAt: string | null } | null;
  running: { workflowId: string; runId: string } | null;
  last: (ReconcileReport & { workflowId: string; runId: string }) | null;
}

const intervalOf = (described: ScheduleDescription): number | null => {
  const every = described.spec.intervals?.[0]?.every;
  return typeof every === 'number' ? every : null;
};

/** The sweep's Schedule, the sweep running now and the newest finished report (schedule describe: no visibility). */
export async function reconcileStatus(client: Client, taskQueue: string): Promise<ReconcileStatus> {
  let described: ScheduleDescription;
  try {
    described = await client.schedule.getHandle(reconcileScheduleId(taskQueue)).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return { schedule: null, running: null, last: null };
    throw err;
  }
  const running = described.info.runningActions[0]?.workflow;
  const status: ReconcileStatus = {
    schedule: {
      intervalMs: intervalOf(described),
      paused: described.state.paused,
      nextRunAt: described.info.nextActionTimes[0]?.toISOString() ?? null,
    },
    running: running ? { workflowId: running.workflowId, runId: running.firstExecutionRunId } : null,
    last: null,
  };
  for (const { action } of [...described.info.recentActions].reverse().slice(0, 5)) {
    const { workflowId, firstExecutionRunId: runId } = action.workflow;
    const handle = client.workflow.getHandle(workflowId, runId);
    const run = await describeIfFound(handle);
    if (run?.status.name !== 'COMPLETED') continue;
    status.last = { ...((await handle.result()) as ReconcileReport), workflowId, runId };
    break;
  }
  return status;
}

/** Starts a sweep now (the Schedule's trigger; skipped when one is running). */
export async function triggerReconcile(client: Client, taskQueue: string): Promise<void> {
  await client.schedule.getHandle(reconcileScheduleId(taskQueue)).trigger(ScheduleOverlapPolicy.SKIP);
}
