/**
 * An open-loop load generator: requests are sent at scheduled times whatever the server does (a slow answer never
 * delays the next request), Poisson arrivals at `ratePerSecond` by default or evenly spaced, and each latency is
 * counted from the scheduled send time, so a generator that falls behind cannot hide a slow server (no coordinated
 * omission). autocannon's rate mode is not used for this: it lets every connection send its per-second quota
 * back-to-back at each second boundary, so "100/s" arrives as bursts of 100.
 */
export interface OpenLoopOptions {
  ratePerSecond: number;
  durationSeconds: number;
  arrivals?: 'poisson' | 'uniform';
  /** Sends request number `n`; resolves with the HTTP status (or rejects on a transport error). */
  send(n: number): Promise<number>;
  /** Seeded so runs are comparable; default 1. */
  seed?: number;
}

export interface OpenLoopResult {
  latenciesMs: number[];
  statuses: Record<string, number>;
  errors: number;
  sent: number;
  /** Requests answered per second over the run. */
  achievedPerSecond: number;
  /** How far behind schedule the generator itself got at worst (ms): large values make the run invalid. */
  maxSendLagMs: number;
}

/** Mulberry32: small, fast, seeded; numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleepUntil = (at: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const next = seededRandom(options.seed ?? 1);
  const gapMs = 1000 / options.ratePerSecond;
  const start = performance.now();
  const end = start + options.durationSeconds * 1000;
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  let errors = 0;
  let maxSendLagMs = 0;
  let at = start;
  for (let n = 0; ; n++) {
    at += options.arrivals === 'uniform' ? gapMs : -Math.log(1 - next()) * gapMs;
    if (at >= end) break;
    await sleepUntil(at);
    const scheduled = at;
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - scheduled);
    inFlight.push(
      options.send(n).then(
        (status) => {
          latenciesMs.push(performance.now() - scheduled);
          statuses[status] = (statuses[status] ?? 0) + 1;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - start) / 1000;
  return {
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    statuses,
    errors,
    sent: inFlight.length,
    achievedPerSecond: latenciesMs.length / elapsedS,
    maxSendLagMs,
  };
}
