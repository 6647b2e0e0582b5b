import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { step } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });

/** The engine's floor: a bare workflow of five sequential activities, the shape of an order without its work. */
export async function fiveSteps(n: number): Promise<number> {
  let value = n;
  for (let i = 0; i < 5; i++) value = await step(value);
  return value;
}
