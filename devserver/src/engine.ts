import { recoverActivities, dispatchActivity } from './activities';
import { armRetention, armRunTimeouts } from './close';
import { Ctx, EngineOptions, Run } from './ctx';
import { ensureNamespace } from './namespaces';
import { dispatchQueryTask } from './queries';
import type { Store } from './store';
import { armTimer } from './timers';
import { dispatchWorkflowTask, isOpen, recoverWorkflowTask } from './wft';

/** Builds the engine state, restoring namespaces and runs from the store and re-arming everything pending. */
export function createEngine(store: Store, options: EngineOptions, namespaces: string[]): Ctx {
  const ctx = new Ctx(store, options);
  ctx.dispatchers = {
    workflow: (task, identity) => {
      if (task.kind === 'query') return dispatchQueryTask(ctx, task.queryId);
      const run = ctx.runs.get(task.runId);
      return run ? dispatchWorkflowTask(ctx, run, task.version, identity) : null;
    },
    activity: (task, identity) => dispatchActivity(ctx, task, identity),
  };
  for (const ns of store.loadNamespaces()) ctx.namespaces.set(ns.name, ns);
  for (const name of ['default', ...namespaces]) ensureNamespace(ctx, name);
  const runs: Run[] = store.loadRuns().map(({ state, events }) => ({
    state, events, persistedEvents: events.length, historyWaiters: new Set(), queries: [], updateWaiters: new Map(), handles: new Map(),
  }));
  runs.sort((a, b) => a.state.startTime - b.state.startTime);
  for (const run of runs) {
    ctx.runs.set(run.state.runId, run);
    ctx.current.set(`${run.state.namespace}/${run.state.workflowId}`, run.state.runId);
    ctx.visibility.update(run);
  }
  ctx.tx(() => {
    for (const run of runs) {
      if (!isOpen(run)) {
        armRetention(ctx, run);
        continue;
      }
      recoverWorkflowTask(ctx, run);
      recoverActivities(ctx, run);
      for (const timerId of Object.keys(run.state.timers)) armTimer(ctx, run, timerId);
      armRunTimeouts(ctx, run);
    }
  });
  return ctx;
}
