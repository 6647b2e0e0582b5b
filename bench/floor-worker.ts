/**
 * The engine floor's worker (bench/floor.ts starts it): a Worker on FLOOR_TASK_QUEUE at TEMPORAL_ADDRESS with the
 * service worker's SDK settings, running the floor workflows of bench/workflows.ts with no-op activities (and one
 * that starts a resting workflow), as its own process (like the stack's worker). Sends 'ready' over IPC once it
 * polls; stops on SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { RESTING_FOR_MS } from './workflows';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const taskQueue = process.env.FLOOR_TASK_QUEUE!;
  const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
  const startResting = async (workflowId: string): Promise<void> => {
    await client.workflow.start('restingTimer', {
      taskQueue,
      workflowId,
      args: [Date.now() + RESTING_FOR_MS],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  };
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: { ...activities, startResting },
    shutdownGraceTime: '30 seconds',
    maxHeartbeatThrottleInterval: '5 seconds',
  });
  const running = worker.run();
  process.send?.('ready');
  await running;
  await client.connection.close();
  await connection.close();
}

void main();
