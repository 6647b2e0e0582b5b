import { Context } from '@temporalio/activity';
import { FailureType, permanentFailure } from '../errors';
import type { InstallInput, InstallResult } from '../workflows/activity-contract';
import { DEFAULT_INSTALL_POLL_MS, type ActivityDeps } from './deps';
import { readServer } from './read-server';

/** Heartbeat details: survive retries so the deadline and the single reinstall hold for the whole order. */
export interface InstallProgress {
  since: number;
  reinstalled: boolean;
  lastStatus: string | null;
}

const FAILED_STATUSES = new Set(['install_failed', 'reinstall_failed']);

function resumed(now: number): InstallProgress {
  const details = Context.current().info.heartbeatDetails as Partial<InstallProgress> | undefined;
  return {
    since: typeof details?.since === 'number' ? details.since : now,
    reinstalled: details?.reinstalled === true,
    lastStatus: details?.lastStatus ?? null,
  };
}

/**
 * Waits until the server's status leaves `installing`, heartbeating on every poll. `null` is success; a failed
 * install is retried once through a reinstall, a second failure is InstallFailed; the order's deadline (counted
 * from the first attempt) gives InstallDeadlineExceeded. Cancellation is delivered through the heartbeat.
 */
export function installActivity({ provider, logger, installPollMs = DEFAULT_INSTALL_POLL_MS }: ActivityDeps) {
  return async function install({ orderId, serverId, deadlineMs }: InstallInput): Promise<InstallResult> {
    const ctx = Context.current();
    const progress = resumed(Date.now());
    for (;;) {
      const server = await readServer(provider, serverId);
      progress.lastStatus = server.status;
      if (server.status === null) return { reinstalled: progress.reinstalled, waitedMs: Date.now() - progress.since };
      if (FAILED_STATUSES.has(server.status)) {
        if (progress.reinstalled) {
          throw permanentFailure(FailureType.InstallFailed, `server ${serverId} failed to install twice (${server.status})`);
        }
        progress.reinstalled = true;
        ctx.heartbeat({ ...progress });
        logger.warn({ orderId, serverId, status: server.status }, 'install failed; reinstalling once');
        await provider.reinstall(serverId);
      } else if (server.status !== 'installing') {
        throw permanentFailure(FailureType.ServerStateUnexpected, `server ${serverId} is ${server.status} instead of installing`);
      }
      if (Date.now() - progress.since > deadlineMs) {
        throw permanentFailure(FailureType.InstallDeadlineExceeded, `server ${serverId} still installing after ${deadlineMs} ms`);
      }
      ctx.heartbeat({ ...progress });
      await ctx.sleep(installPollMs);
    }
  };
}
