/**
 * Benchmark of the provider budget: a burst of orders (default 500) against the simulated panel, all submitted at
 * once, drained through the `npm start` stack. Time is scaled by --scale (default 10): the panel allows
 * 240 x scale requests a minute and the worker is told the same (PROVIDER_RATE_LIMIT), so one second here is `scale`
 * seconds at 240/minute; installs take 20 s / scale. Reports the share of the allowed rate (the limit minus the 10 %
 * reserve) the panel saw from the first submission to the last order's end, 429s, panel calls per ACTIVE order, and
 * the drain time against the theoretical minimum (calls made / allowed rate), and the most calls seen in any scaled
 * minute against the budget and the panel's limit.
 * Usage: npm run bench:budget -- [--orders 500] [--scale 10] [--users 100] [--runs 1]
 */
import { parseArgs } from 'node:util';
import { machineLine, median } from './proc-stats';
import { drained, fmt, startFlowStack, submit, views, type FlowStack } from './flow-stack';
import { runMain } from './run-main';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '500' },
    scale: { type: 'string', default: '10' },
    users: { type: 'string', default: '100' },
    runs: { type: 'string', default: '1' },
  },
});
const ORDERS = Number(values.orders);
const SCALE = Number(values.scale);
const LIMIT = 240 * SCALE;
const ALLOWED_PER_S = (LIMIT * 0.9) / 60;
const TIERS = ['premium', 'standard', 'free'];

interface Result {
  share: number;
  limited: number;
  callsPerActive: number;
  drainS: number;
  minimumS: number;
  active: number;
  /** Most panel calls seen in any scaled minute (60 / scale seconds), from samples every 250 ms. */
  peakPerScaledMinute: number;
}

/** Samples the panel's call counter every 250 ms until `stop()`; `peak(ms)` is the most calls in any window of `ms`. */
function sampleCalls(flow: FlowStack): { stop(): Promise<void>; peak(windowMs: number): number } {
  const samples: Array<{ at: number; total: number }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push({ at: Date.now(), total: (await flow.stack.simState()).calls.total });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    peak: (windowMs) => {
      let best = 0;
      for (let i = 0, j = 0; i < samples.length; i++) {
        while (samples[i].at - samples[j].at > windowMs) j++;
        best = Math.max(best, samples[i].total - samples[j].total);
      }
      return best;
    },
  };
}

async function run(index: number): Promise<Result> {
  const flow = await startFlowStack({
    limitPerMinute: LIMIT,
    orders: ORDERS,
    users: Number(values.users),
    installMs: 20_000 / SCALE,
  });
  try {
    const before = (await flow.stack.simState()).calls;
    const sampler = sampleCalls(flow);
    const t0 = Date.now();
    const ids = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        submit(flow, `budget-${index}-${i}`, { userId: flow.users[i % flow.users.length], tier: TIERS[i % 3] }),
      ),
    );
    const end = await drained(flow, 30 * 60_000);
    await sampler.stop();
    const after = (await flow.stack.simState()).calls;
    const orders = await views(flow, ids);
    const active = [...orders.values()].filter((v) => v?.status === 'ACTIVE').length;
    const calls = after.total - before.total;
    const drainS = (end - t0) / 1000;
    const result = {
      share: calls / drainS / ALLOWED_PER_S,
      limited: after.rateLimited - before.rateLimited,
      callsPerActive: calls / active,
      drainS,
      minimumS: calls / ALLOWED_PER_S,
      active,
      peakPerScaledMinute: sampler.peak(60_000 / SCALE),
    };
    console.log(
      `run ${index}: ${active}/${ORDERS} ACTIVE, ${calls} panel calls in ${fmt(drainS)} s (theoretical minimum ${fmt(result.minimumS)} s), ` +
        `${fmt(result.share * 100)} % of the allowed ${fmt(ALLOWED_PER_S * 60)}/min used, ${result.limited} 429s, ${result.callsPerActive.toFixed(2)} calls per ACTIVE order, ` +
        `at most ${result.peakPerScaledMinute} calls in any scaled minute (${fmt(60 / SCALE)} s; budget ${fmt((ALLOWED_PER_S * 60) / SCALE)}, panel ${LIMIT / SCALE})`,
    );
    return result;
  } finally {
    await flow.close();
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (let i = 1; i <= Number(values.runs); i++) results.push(await run(i));
  console.log(
    [
      machineLine(),
      `${ORDERS} orders at once, panel limit ${LIMIT}/min (240/min x ${SCALE}), reserve 10 %, ${results.length} run(s)`,
      `median: ${fmt(median(results.map((r) => r.share)) * 100)} % of the allowed rate used (target >= 90 %), ` +
        `${median(results.map((r) => r.limited))} 429s (target 0), ${median(results.map((r) => r.callsPerActive)).toFixed(2)} calls per ACTIVE order (target <= 4), ` +
        `drain ${fmt(median(results.map((r) => r.drainS)))} s vs theoretical ${fmt(median(results.map((r) => r.minimumS)))} s ` +
        `(${fmt((median(results.map((r) => r.drainS)) * SCALE) / 60)} min at 240/min)`,
    ].join('\n'),
  );
}

runMain(main);
