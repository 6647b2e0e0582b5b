/**
 * Benchmark of tier priority under saturation: orders arrive (Poisson, seeded) faster than the provider budget can
 * serve them (--load, default 1.3 x the budget's order rate) for --seconds (default 90), mixed 20 % premium, 40 %
 * standard, 40 % free from 60 users, against the `npm start` stack with the panel at --limit requests a minute
 * (default 600). Tier maximum waits are scaled down with it (QUEUE_MAX_WAIT_PREMIUM 5s, _STANDARD 20s, _FREE 45s).
 * Queue wait = from acceptance until the order's first provider step ran (it left QUEUED). Reports p50/p95 queue
 * wait per tier and the longest free wait against its maximum plus one dispatch interval.
 * Usage: npm run bench:priority -- [--limit 600] [--seconds 90] [--load 1.3] [--runs 1]
 */
import { parseArgs } from 'node:util';
import { machineLine, median, percentile } from './proc-stats';
import { arrivalGaps, drained, fmt, queueWaitSeconds, startFlowStack, submit, views } from './flow-stack';
import { runMain } from './run-main';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '600' },
    seconds: { type: 'string', default: '90' },
    load: { type: 'string', default: '1.3' },
    runs: { type: 'string', default: '1' },
  },
});
const LIMIT = Number(values.limit);
const MAX_WAIT_S = { premium: 5, standard: 20, free: 45 } as const;
type Tier = keyof typeof MAX_WAIT_S;
/** Panel calls an order needs with the ledger and batched install checks (measured by bench:budget). */
const CALLS_PER_ORDER = 2.3;

function tierOf(i: number): Tier {
  const r = (i * 7919) % 10;
  return r < 2 ? 'premium' : r < 6 ? 'standard' : 'free';
}

interface Result {
  waits: Record<Tier, number[]>;
  maxFree: number;
  promoted: number;
  dispatchIntervalS: number;
}

async function run(index: number): Promise<Result> {
  const budgetPerS = (LIMIT * 0.9) / 60;
  const rate = (budgetPerS / CALLS_PER_ORDER) * Number(values.load);
  const count = Math.round(rate * Number(values.seconds));
  const flow = await startFlowStack({
    limitPerMinute: LIMIT,
    orders: count,
    users: 60,
    installMs: 3000,
    env: { QUEUE_MAX_WAIT_PREMIUM: '5s', QUEUE_MAX_WAIT_STANDARD: '20s', QUEUE_MAX_WAIT_FREE: '45s' },
  });
  try {
    const ids: string[] = [];
    const pending: Array<Promise<string>> = [];
    const gaps = arrivalGaps(rate, count, 11 + index);
    let due = Date.now();
    for (let i = 0; i < count; i++) {
      due += gaps[i];
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      ids.push(`prio-${index}-${i}`);
      pending.push(submit(flow, ids[i], { userId: flow.users[i % flow.users.length], tier: tierOf(i) }));
    }
    await Promise.all(pending);
    await drained(flow, 30 * 60_000, 1000);
    const orders = await views(flow, ids);
    const waits: Record<Tier, number[]> = { premium: [], standard: [], free: [] };
    let promoted = 0;
    for (const view of orders.values()) {
      if (!view) continue;
      const w = queueWaitSeconds(view);
      if (w !== null) waits[view.tier].push(w);
      if (view.timeline.some((t) => t.detail.includes('for dispatch: promoted'))) promoted += 1;
    }
    for (const tier of Object.keys(waits) as Tier[]) waits[tier].sort((a, b) => a - b);
    const result = { waits, maxFree: waits.free.at(-1) ?? 0, promoted, dispatchIntervalS: 1 / budgetPerS };
    console.log(
      `run ${index}: ${count} orders at ${fmt(rate)}/s for ${values.seconds} s (budget ~${fmt(budgetPerS / CALLS_PER_ORDER)} orders/s), ${promoted} promoted; ` +
        (Object.keys(waits) as Tier[])
          .map(
            (t) =>
              `${t} p50 ${fmt(percentile(waits[t], 50))} s p95 ${fmt(percentile(waits[t], 95))} s max ${fmt(waits[t].at(-1) ?? 0)} s`,
          )
          .join(', '),
    );
    return result;
  } finally {
    await flow.close();
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (let i = 1; i <= Number(values.runs); i++) results.push(await run(i));
  const per = (tier: Tier, p: number) => fmt(median(results.map((r) => percentile(r.waits[tier], p))));
  const bound = MAX_WAIT_S.free + results[0].dispatchIntervalS;
  const maxFree = Math.max(...results.map((r) => r.maxFree));
  console.log(
    [
      machineLine(),
      `panel limit ${LIMIT}/min, load ${values.load} x the budget for ${values.seconds} s, maximum waits premium 5 s, standard 20 s, free 45 s, ${results.length} run(s)`,
      `median queue wait: premium p50 ${per('premium', 50)} s p95 ${per('premium', 95)} s; standard p50 ${per('standard', 50)} s p95 ${per('standard', 95)} s; ` +
        `free p50 ${per('free', 50)} s p95 ${per('free', 95)} s; longest free wait ${fmt(maxFree)} s (bound ${fmt(bound)} s: ${maxFree <= bound ? 'met' : 'MISSED'})`,
    ].join('\n'),
  );
}

runMain(main);
