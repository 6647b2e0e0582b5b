import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, WorkerOptions } from '@temporalio/worker';
import * as activities from './fixtures/conformance-activities';

export const CONFORMANCE_WORKFLOWS = require.resolve('./fixtures/conformance');
export const CHANGED_WORKFLOWS = require.resolve('./fixtures/changed-workflows');
export const EventType = temporal.api.enums.v1.EventType;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const bundles = new Map<string, Promise<{ code: string }>>();

/** Workflow bundles are slow to build (seconds); cache them on disk keyed by the fixture sources. */
export function workflowBundle(workflowsPath = CONFORMANCE_WORKFLOWS): Promise<{ code: string }> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = buildCached(workflowsPath);
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

async function buildCached(workflowsPath: string): Promise<{ code: string }> {
  const dir = path.join(__dirname, 'fixtures');
  const hash = createHash('sha256').update(workflowsPath);
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) hash.update(f).update(fs.readFileSync(path.join(dir, f)));
  hash.update(fs.readFileSync(require.resolve('@temporalio/worker/package.json')));
  const prefix = `devserver-bundle-${path.basename(workflowsPath).replace(/\W/g, '_')}-`;
  const file = path.join(os.tmpdir(), `${prefix}${hash.digest('hex').slice(0, 16)}.js`);
  if (fs.existsSync(file)) return { code: fs.readFileSync(file, 'utf8') };
  for (const stale of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(prefix) && n.endsWith('.js'))) {
    fs.rmSync(path.join(os.tmpdir(), stale), { force: true });
  }
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: silent as never });
  fs.writeFileSync(`${file}.${process.pid}`, code);
  fs.renameSync(`${file}.${process.pid}`, file);
  return { code };
}

let seq = 0;
/** A task queue (or id) unique to this test process and call. */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/**
 * A worker on the conformance fixtures; options override the defaults (e.g. activities, workflowBundle). Workflows run
 * on the main thread (`debugMode`): the same sdk-core and the same server protocol, but a worker starts in tens of
 * milliseconds instead of hundreds, which keeps a fresh worker per test affordable.
 */
export async function conformanceWorker(env: TestWorkflowEnvironment, taskQueue: string, options: Partial<WorkerOptions> = {}): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, debugMode: true, ...options,
  });
}

/** Runs `fn` while a fresh worker polls a fresh task queue; returns what `fn` returns. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment, prefix: string, fn: (taskQueue: string, worker: Worker) => Promise<T>, options: Partial<WorkerOptions> = {},
): Promise<T> {
  const taskQueue = unique(prefix);
  const worker = await conformanceWorker(env, taskQueue, options);
  return worker.runUntil(() => fn(taskQueue, worker));
}

export async function historyOf(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

export const typeName = (e: HistoryEvent) => EventType[e.eventType ?? 0].replace('EVENT_TYPE_', '');

/** Event type names of a history, e.g. `['WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_TASK_SCHEDULED', ...]`. */
export async function eventTypes(handle: WorkflowHandle): Promise<string[]> {
  return (await historyOf(handle)).map(typeName);
}

export const eventMs = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/** Polls `check` until it returns a value other than undefined (wall clock, for conditions driven by the server). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Terminates every open run. A run whose workflow task waits on a queue nobody polls keeps the time-skipping server
 * from skipping (as on the Java test server), so tests sharing one environment clean up after themselves.
 */
export async function terminateRunning(env: TestWorkflowEnvironment): Promise<void> {
  for await (const wf of env.client.workflow.list({ query: 'ExecutionStatus="Running"' })) {
    await env.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('test cleanup').catch(() => undefined);
  }
}

/** Waits until the workflow's history contains an event of the given type. */
export function waitForEvent(handle: WorkflowHandle, type: string): Promise<HistoryEvent> {
  return eventually(async () => (await historyOf(handle)).find((e) => typeName(e) === type));
}

const TQKind = temporal.api.enums.v1.TaskQueueKind;

/** Polls a workflow task the way a worker does, for tests that play the worker's side of the protocol by hand. */
export async function pollWorkflowTask(env: TestWorkflowEnvironment, taskQueue: string, sticky = false) {
  const task = await env.client.workflowService.pollWorkflowTaskQueue({
    namespace: 'default', identity: 'hand-written-worker',
    taskQueue: { name: taskQueue, kind: sticky ? TQKind.TASK_QUEUE_KIND_STICKY : TQKind.TASK_QUEUE_KIND_NORMAL },
  });
  if (!task.taskToken?.length) throw new Error(`no workflow task on ${taskQueue}`);
  return task;
}

export const eventIds = (events: HistoryEvent[] | null | undefined) => (events ?? []).map((e) => Number(e.eventId));
