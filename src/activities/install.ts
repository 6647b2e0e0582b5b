import { Context } from '@temporalio/activity';
import { FailureType, permanentFailure, transientFailure } from '../errors';
import { CircuitOpenError } from '../flow/call-gate';
import type { Server } from '../provider';
import type { InstallInput, InstallResult } from '../workflows/activity-contract';
import type { ActivityDeps } from './deps';
import { readServer } from './read-server';

/** Heartbeat details: survive retries so the deadline and the single reinstall hold for the whole order. */
export interface InstallProgress {
  since: number;
  reinstalled: boolean;
  lastStatus: string | null;
}

const FAILED_STATUSES = new Set(['install_failed', 'reinstall_failed']);
/** Longest the activity waits for news from the watcher before it heartbeats again. */
const MAX_SILENCE_MS = 5_000;
const SHUTTING_DOWN = Symbol('shutting down');

function resumed(now: number): InstallProgress {
  const details = Context.current().info.heartbeatDetails as Partial<InstallProgress> | undefined;
  return {
    since: typeof details?.since === 'number' ? details.since : now,
    reinstalled: details?.reinstalled === true,
    lastStatus: details?.lastStatus ?? null,
  };
}

/**
 * Waits until the server's status leaves `installing`, heartbeating while it waits. The status comes from the
 * process's install watcher (one list request per interval for every installing server); a server the listing
 * does not show is read by id (404: ServerGone). `null` is success; a failed install is retried once through a
 * reinstall, a second failure is InstallFailed; the order's deadline (counted from the first attempt) gives
 * InstallDeadlineExceeded. Cancellation is delivered through the heartbeat; when the worker stops, the attempt
 * ends at once with the retryable WorkerShuttingDown (its heartbeat details carry the progress to the next one). While the panel's breaker is open it
 * keeps waiting without calling the panel.
 */
export function installActivity({
  panel,
  panelForNode,
  watcher,
  draining,
  logger,
}: Pick<ActivityDeps, 'panel' | 'panelForNode' | 'watcher' | 'draining' | 'logger'>) {
  return async function install({ orderId, serverId, externalId, deadlineMs }: InstallInput): Promise<InstallResult> {
    const watchKey = externalId ?? orderId;
    const ctx = Context.current();
    const progress = resumed(Date.now());
    const silence = Math.max(MAX_SILENCE_MS, watcher.intervalMs * 2);
    let reinstalledAt = 0;
    const shuttingDown = draining.then((): typeof SHUTTING_DOWN => SHUTTING_DOWN);
    const sighted = async (server: Server | null): Promise<Server | undefined> => {
      try {
        return server ?? (await readServer(panel, serverId));
      } catch (err) {
        if (err instanceof CircuitOpenError) return undefined;
        throw err;
      }
    };
    try {
      for (;;) {
        ctx.heartbeat({ ...progress });
        const seen = await Promise.race([watcher.next(watchKey, serverId, silence), ctx.cancelled, shuttingDown]);
        if (seen === SHUTTING_DOWN) {
          throw transientFailure(
            FailureType.WorkerShuttingDown,
            `the worker is stopping; the wait for server ${serverId} resumes on the next attempt`,
          );
        }
        const server = seen && seen.at >= reinstalledAt ? await sighted(seen.server) : undefined;
        if (server) {
          progress.lastStatus = server.status;
          if (server.status === null)
            return { reinstalled: progress.reinstalled, waitedMs: Date.now() - progress.since, server };
          if (FAILED_STATUSES.has(server.status)) await reinstallOnce(server, progress);
          else if (server.status !== 'installing') {
            throw permanentFailure(
              FailureType.ServerStateUnexpected,
              `server ${serverId} is ${server.status} instead of installing`,
            );
          }
        }
        if (Date.now() - progress.since > deadlineMs) {
          throw permanentFailure(
            FailureType.InstallDeadlineExceeded,
            `server ${serverId} still installing after ${deadlineMs} ms`,
          );
        }
      }
    } finally {
      watcher.forget(watchKey);
    }

    async function reinstallOnce(server: Server, state: InstallProgress): Promise<void> {
      if (state.reinstalled) {
        throw permanentFailure(
          FailureType.InstallFailed,
          `server ${serverId} failed to install twice (${server.status})`,
        );
      }
      try {
        await panelForNode(server.node).reinstall(serverId);
      } catch (err) {
        if (err instanceof CircuitOpenError) return;
        throw err;
      }
      state.reinstalled = true;
      reinstalledAt = Date.now();
      ctx.heartbeat({ ...state });
      logger.warn({ orderId, serverId, status: server.status }, 'install failed; reinstalled once');
    }
  };
}
