import { readFileSync } from 'node:fs';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** This process's ancestors up to the npm process that ran the script (through its `sh -c`), where /proc tells. */
function launcherChain(): number[] {
  const chain: number[] = [];
  for (let pid: number | undefined = process.ppid; pid && pid > 1 && chain.length < 4; pid = parentOf(pid)) {
    chain.push(pid);
    if (/\bnpm\b|npm-cli/.test(commandOf(pid))) return chain;
  }
  return chain.slice(0, 1);
}

/**
 * Under `npm start`, calls `onGone` once npm (or the shell between it and this process) is gone. npm does not pass a
 * SIGKILL on, so without this the service would run on unseen after its launcher was killed.
 */
export function whenNpmIsGone(onGone: (pid: number) => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const chain = launcherChain();
  const parent = process.ppid;
  const timer = setInterval(() => {
    const gone = process.ppid !== parent ? parent : chain.find((pid) => !alive(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, 1000);
  timer.unref();
}
