/**
 * Benchmark of order acceptance: POST /v1/orders at a fixed rate (autocannon, coordinated omission corrected) against
 * the `npm start` stack (a child process, simulated panel with its default 240 calls/min rate limit, so orders queue
 * in Temporal). Every request carries a new orderId; users cycle over 1000 panel users, a few orders each, so the
 * per-user in-flight limit admits them all. Reports p50/p99 latency, status codes and errors; target p99 < 50 ms.
 * A fresh stack per run. Usage: npm run bench:api -- [--rate 100] [--duration 30] [--connections 20] [--runs 3]
 *   [--users 1000] [--env NAME=value]
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { descendants, orderBody, startStack, type StackProcess } from '../test/e2e/stack-process';
import { median, processCpuSeconds } from './proc-stats';

const { values } = parseArgs({ options: {
  rate: { type: 'string', default: '100' }, duration: { type: 'string', default: '30' },
  connections: { type: 'string', default: '20' }, runs: { type: 'string', default: '3' },
  users: { type: 'string', default: '1000' }, env: { type: 'string', multiple: true, default: [] },
} });
const USERS = Number(values.users);
/** `--env NAME=value` (repeatable): extra settings for the stack, e.g. PROVIDER_RATE_LIMIT. */
const STACK_ENV = Object.fromEntries(values.env!.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
/** BENCH_STACK_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the stack's main process. */
const STACK_NODE_ARGS = (process.env.BENCH_STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

interface RunResult {
  p50: number; p99: number; max: number; rps: number; statuses: Record<string, number>; errors: number; timeouts: number;
  /** CPU seconds used during the measured load by the stack's main process and by the rest of its tree (Temporal). */
  cpuMain: number; cpuOthers: number;
}

async function addUsers(stack: StackProcess, count: number): Promise<void> {
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => stack.addUser()));
  }
}

function load(stack: StackProcess, options: { rate: number; duration: number; connections: number }): Promise<autocannon.Result> {
  const runId = randomUUID().slice(0, 8);
  let sent = 0;
  return autocannon({
    url: `${stack.apiUrl}/v1/orders`,
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    connections: options.connections,
    overallRate: options.rate,
    duration: options.duration,
    requests: [{
      setupRequest: (req) => {
        const n = sent++;
        return { ...req, body: JSON.stringify(orderBody(`acc-${runId}-${n}`, { userId: 1 + (n % USERS) })) };
      },
    }],
  });
}

async function run(index: number): Promise<RunResult> {
  const stack = await startStack({ env: { LOG_LEVEL: 'warn', ...STACK_ENV }, nodeArgs: STACK_NODE_ARGS });
  try {
    await addUsers(stack, USERS - 3);
    await load(stack, { rate: 20, duration: 3, connections: 2 });
    const others = descendants(stack.child.pid!);
    const cpu = () => [processCpuSeconds(stack.child.pid!), others.reduce((sum, pid) => sum + processCpuSeconds(pid), 0)];
    const [main0, others0] = cpu();
    const result = await load(stack, { rate: Number(values.rate), duration: Number(values.duration), connections: Number(values.connections) });
    const [main1, others1] = cpu();
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
    const outcome: RunResult = {
      p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, rps: result.requests.average,
      statuses, errors: result.errors, timeouts: result.timeouts, cpuMain: main1 - main0, cpuOthers: others1 - others0,
    };
    console.log(`run ${index}: p50 ${outcome.p50} ms, p99 ${outcome.p99} ms, max ${outcome.max} ms, ${fmt(outcome.rps)} req/s, `
      + `statuses ${JSON.stringify(statuses)}, errors ${outcome.errors}, timeouts ${outcome.timeouts}; CPU during the load: `
      + `main process (API, worker, panel) ${fmt(outcome.cpuMain)} s, Temporal server ${fmt(outcome.cpuOthers)} s`);
    return outcome;
  } finally {
    const stopAt = Date.now();
    const stopped = await stack.stop(120_000);
    const stopMs = Date.now() - stopAt;
    if (stopped.code !== 0 || stopped.leftBehind.length > 0 || stopMs > 5000) console.log(`  SIGTERM to exit: ${stopMs} ms, ${JSON.stringify(stopped)}`);
  }
}

async function main(): Promise<void> {
  const load1 = os.loadavg()[0];
  const results: RunResult[] = [];
  for (let i = 1; i <= Number(values.runs); i++) results.push(await run(i));
  const errorCount = (r: RunResult) => r.errors + r.timeouts + Object.entries(r.statuses).filter(([c]) => c !== '202').reduce((n, [, v]) => n + v, 0);
  console.log([
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${fmt(load1)} at start, ${fmt(os.loadavg()[0])} at end`,
    `POST /v1/orders at ${values.rate}/s for ${values.duration} s over ${values.connections} connections, ${results.length} runs (fresh stack each)`,
    `median p50 ${median(results.map((r) => r.p50))} ms, median p99 ${median(results.map((r) => r.p99))} ms (target < 50 ms), `
      + `median ${fmt(median(results.map((r) => r.rps)))} req/s, non-202 or failed requests per run: ${results.map(errorCount).join(', ')}`,
  ].join('\n'));
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
