import { fork } from 'node:child_process';
import os from 'node:os';
import type { Client } from '@temporalio/client';

export type FloorWorkflowType = 'fiveSteps' | 'fiveStepsThenEntity' | 'fiveStepsThenChildEntity';

export interface FloorWorker {
  taskQueue: string;
  pid: number;
  stop(): Promise<void>;
}

/** The floor's worker as a child process at `nice` (the stack's worker runs at nice 10), polling a fresh task queue. */
export async function startFloorWorker(temporalAddress: string, nice: number): Promise<FloorWorker> {
  const taskQueue = `floor-${process.pid}-${Date.now()}`;
  const child = fork(require.resolve('./floor-worker'), [], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, FLOOR_TASK_QUEUE: taskQueue },
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid) os.setPriority(child.pid, nice);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the floor worker exited (code ${code})`)));
  });
  return {
    taskQueue,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Runs `count` bare workflows (fiveSteps, or `workflowType`), `lanes` at a time, each awaited; resolves with the
 * seconds it took.
 */
export async function runFloor(
  client: Client,
  floor: FloorWorker,
  prefix: string,
  count: number,
  lanes: number,
  workflowType: FloorWorkflowType = 'fiveSteps',
): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) {
        const n = next++;
        await client.workflow.execute(workflowType, {
          taskQueue: floor.taskQueue,
          workflowId: `${prefix}-${n}`,
          args: [n],
        });
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}
