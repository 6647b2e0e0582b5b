import { condition, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities';

const { step } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });

/** The engine's floor: a bare workflow of five sequential activities, the shape of an order without its work. */
export async function fiveSteps(n: number): Promise<number> {
  let value = n;
  for (let i = 0; i < 5; i++) value = await step(value);
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
