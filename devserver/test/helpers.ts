import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, WorkerOptions } from '@temporalio/worker';
import * as activities from './fixtures/activities';

export const DEVSERVER_BIN = path.resolve(__dirname, '../../bin/temporal-devserver');
export const WORKFLOWS_PATH = require.resolve('./fixtures/workflows');

let runtimeInstalled = false;

/** Installs a quiet SDK runtime once per test process. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** The official time-skipping test environment, running our server through the `existing-path` convention. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: DEVSERVER_BIN } } });
}

/** The official local (real-clock) environment, launching our server as `server start-dev`. */
export async function localEnv(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: DEVSERVER_BIN }, extraArgs } });
}

export async function fixtureWorker(env: TestWorkflowEnvironment, taskQueue: string, options: Partial<WorkerOptions> = {}): Promise<Worker> {
  return Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: WORKFLOWS_PATH, activities, ...options });
}
