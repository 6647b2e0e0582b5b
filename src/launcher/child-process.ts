import type { ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Settles when the child exits (at once when it already has). */
export function exitOf(child: ChildProcess): Promise<ChildExit> {
  if (hasExited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** SIGKILL unless it has exited. */
export function killNow(child: ChildProcess): void {
  if (!hasExited(child)) child.kill('SIGKILL');
}

/**
 * SIGTERM, then SIGKILL when it has not exited within `timeoutMs`; resolves with how it exited and whether it had
 * to be killed.
 */
export async function terminate(
  child: ChildProcess,
  exited: Promise<ChildExit>,
  timeoutMs: number,
): Promise<ChildExit & { killed: boolean }> {
  if (hasExited(child)) return { ...(await exited), killed: false };
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (outcome !== 'timeout') return { ...outcome, killed: false };
  child.kill('SIGKILL');
  return { ...(await exited), killed: true };
}
