import { ParentClosePolicy, condition, proxyActivities, sleep, startChild, workflowInfo } from '@temporalio/workflow';

interface FloorActivities {
  step(n: number): Promise<number>;
  startResting(workflowId: string): Promise<void>;
}

const { step, startResting } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30s' });
/** How long the second workflow of fiveStepsThenEntity and fiveStepsThenChildEntity rests. */
export const RESTING_FOR_MS = 30 * 24 * 60 * 60_000;

/** The engine's floor: a bare workflow of five sequential activities, the shape of an order without its work. */
export async function fiveSteps(n: number): Promise<number> {
  let value = n;
  for (let i = 0; i < 5; i++) value = await step(value);
  return value;
}

/**
 * The floor of today's order shape: fiveSteps, then one more activity that starts a second workflow resting on a
 * timer, as an ACTIVE order starts its server's entity (which waits for its billing date).
 */
export async function fiveStepsThenEntity(n: number): Promise<number> {
  const value = await fiveSteps(n);
  await startResting(`${workflowInfo().workflowId}-entity`);
  return value;
}

/**
 * fiveStepsThenEntity's alternative: the second workflow started as a child the parent abandons when it completes (no
 * activity, no client start).
 */
export async function fiveStepsThenChildEntity(n: number): Promise<number> {
  const value = await fiveSteps(n);
  await startChild(restingTimer, {
    workflowId: `${workflowInfo().workflowId}-entity`,
    args: [Date.now() + RESTING_FOR_MS],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  return value;
}

/**
 * The engine's floor for server entities: a bare workflow at rest (no timer) or waiting for one timer at `dueAt`,
 * then running one activity, as an entity's billing step does (there a child workflow of panel calls).
 */
export async function restingTimer(dueAt: number | null): Promise<number> {
  if (dueAt === null) {
    await condition(() => false);
    return 0;
  }
  await sleep(Math.max(0, dueAt - Date.now()));
  return step(dueAt);
}
