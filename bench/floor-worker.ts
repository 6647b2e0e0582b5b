/**
 * The engine floor's worker (bench/floor.ts starts it): a Worker on FLOOR_TASK_QUEUE at TEMPORAL_ADDRESS with the
 * service worker's SDK settings, running `fiveSteps` with no-op activities, as its own process (like the stack's
 * worker). Sends 'ready' over IPC once it polls; stops on SIGTERM.
 */
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import * as activities from './activities';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.FLOOR_TASK_QUEUE!,
    workflowsPath: require.resolve('./workflows'),
    activities,
    shutdownGraceTime: '30 seconds',
    maxHeartbeatThrottleInterval: '5 seconds',
  });
  const running = worker.run();
  process.send?.('ready');
  await running;
  await connection.close();
}

void main();
