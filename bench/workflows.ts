import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { step } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });

export async function twoSteps(n: number): Promise<number> {
  return step(await step(n));
}
