import os from 'node:os';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export function processRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** What a process of the stack is, from its command line: `Temporal`, `worker` or `other`. */
export function processRole(pid: number): string {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'gone';
  }
  const args = cmdline.split('\0');
  if (args.includes('start-dev') && !args.some((arg) => arg.endsWith('parent-watchdog.js'))) return 'Temporal';
  if (cmdline.includes('worker/main')) return 'worker';
  return 'other';
}

/** CPU seconds per role over a set of processes (see processRole), for before/after differences. */
export function cpuByRole(pids: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of pids) {
    const role = processRole(pid);
    if (role === 'gone') continue;
    out[role] = (out[role] ?? 0) + processCpuSeconds(pid);
  }
  return out;
}

export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([role, s]) => [role, Math.round((s - (before[role] ?? 0)) * 10) / 10]),
  );
}

/** The "machine:" line every benchmark report starts with: CPUs, memory and Node version. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `machine: ${cpus.length} x ${cpus[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}
