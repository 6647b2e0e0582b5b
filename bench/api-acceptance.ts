/**
 * Benchmark of order acceptance: POST /v1/orders at a fixed rate (an open-loop generator, bench/open-loop.ts: Poisson
 * arrivals by default, latency from the scheduled send time) against the `npm start` stack (a child process,
 * simulated panel with its default 240 calls/min rate limit, so orders queue in Temporal while the worker starts
 * every workflow) on the official Temporal dev server with the production visibility limit (10/s; in memory, started
 * by the benchmark). Every request carries a new orderId; users cycle over 1000 panel users, a few orders each, so the
 * per-user in-flight limit admits them all. The engine's floor in the same run: StartWorkflowExecution at the same
 * rate straight from a client (workflows nobody polls). Reports p50/p99 latency of both, status codes, errors and the
 * CPU each process used; target p99 < 50 ms. A fresh stack and server per run.
 * Usage: npm run bench:api -- [--rate 100] [--duration 30] [--runs 3] [--arrivals poisson|uniform] [--users 1000]
 *   [--env NAME=value]
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { descendants, orderBody, startStack, type StackProcess } from '../test/e2e/stack-process';
import { startBenchTemporal } from './engine';
import { openLoop, type OpenLoopResult } from './open-loop';
import { cpuByRole, cpuDelta, machineLine, median, percentile } from './proc-stats';
import { temporalInterceptors } from '../src/temporal-grpc';
import { runMain } from './run-main';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
    arrivals: { type: 'string', default: 'poisson' },
    users: { type: 'string', default: '1000' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const USERS = Number(values.users);
const ARRIVALS = values.arrivals === 'uniform' ? 'uniform' : 'poisson';
/** `--env NAME=value` (repeatable): extra settings for the stack, e.g. PROVIDER_RATE_LIMIT. */
const STACK_ENV = Object.fromEntries(
  values.env!.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
/** BENCH_STACK_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the stack's main and worker processes. */
const STACK_NODE_ARGS = (process.env.BENCH_STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

interface RunResult {
  p50: number;
  p99: number;
  max: number;
  rps: number;
  statuses: Record<string, number>;
  errors: number;
  sendLagMs: number;
  /** The floor: StartWorkflowExecution latency at the same rate. */
  floorP50: number;
  floorP99: number;
  floorErrors: number;
  /** CPU seconds used during the measured load: the stack's main process (API, simulated panel), worker, Temporal. */
  cpu: Record<string, number>;
}

async function addUsers(stack: StackProcess, count: number): Promise<void> {
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => stack.addUser()));
  }
}

function load(stack: StackProcess, rate: number, duration: number, seed: number): Promise<OpenLoopResult> {
  const runId = randomUUID().slice(0, 8);
  return openLoop({
    ratePerSecond: rate,
    durationSeconds: duration,
    arrivals: ARRIVALS,
    seed,
    send: async (n) => {
      const res = await fetch(`${stack.apiUrl}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(orderBody(`acc-${runId}-${n}`, { userId: 1 + (n % USERS) })),
      });
      await res.arrayBuffer();
      return res.status;
    },
  });
}

/** The floor: StartWorkflowExecution at `rate` straight from a client, on a task queue nobody polls. */
function floorLoad(client: Client, rate: number, duration: number, seed: number): Promise<OpenLoopResult> {
  const runId = randomUUID().slice(0, 8);
  return openLoop({
    ratePerSecond: rate,
    durationSeconds: duration,
    arrivals: ARRIVALS,
    seed,
    send: async (n) => {
      await client.workflow.start('fiveSteps', {
        taskQueue: `floor-unpolled-${runId}`,
        workflowId: `floor-${runId}-${n}`,
        args: [n],
      });
      return 202;
    },
  });
}

async function run(index: number): Promise<RunResult> {
  const temporal = await startBenchTemporal();
  const stack = await startStack({
    env: { LOG_LEVEL: 'warn', TEMPORAL_ADDRESS: temporal.address, ...STACK_ENV },
    nodeArgs: STACK_NODE_ARGS,
  });
  const connection = await Connection.connect({ address: temporal.address, interceptors: temporalInterceptors() });
  try {
    const client = new Client({ connection });
    await addUsers(stack, USERS - 3);
    await load(stack, 20, 3, 1000 + index);
    await floorLoad(client, 20, 3, 2000 + index);
    const tree = [stack.child.pid!, ...descendants(stack.child.pid!), temporal.serverPid];
    const floorFirst = index % 2 === 1;
    const floor = floorFirst ? await floorLoad(client, Number(values.rate), Number(values.duration), index) : undefined;
    const cpu0 = cpuByRole(tree);
    const result = await load(stack, Number(values.rate), Number(values.duration), index);
    const cpu = cpuDelta(cpu0, cpuByRole(tree));
    const floorResult = floor ?? (await floorLoad(client, Number(values.rate), Number(values.duration), index));
    const outcome: RunResult = {
      p50: percentile(result.latenciesMs, 50),
      p99: percentile(result.latenciesMs, 99),
      max: result.latenciesMs.at(-1) ?? NaN,
      rps: result.achievedPerSecond,
      statuses: result.statuses,
      errors: result.errors,
      sendLagMs: result.maxSendLagMs,
      cpu,
      floorP50: percentile(floorResult.latenciesMs, 50),
      floorP99: percentile(floorResult.latenciesMs, 99),
      floorErrors: floorResult.errors,
    };
    console.log(
      `run ${index}: p50 ${fmt(outcome.p50)} ms, p99 ${fmt(outcome.p99)} ms, max ${fmt(outcome.max)} ms, ${fmt(outcome.rps)} req/s, ` +
        `statuses ${JSON.stringify(outcome.statuses)}, errors ${outcome.errors}, generator lag at worst ${fmt(outcome.sendLagMs)} ms; ` +
        `floor (raw start): p50 ${fmt(outcome.floorP50)} ms, p99 ${fmt(outcome.floorP99)} ms, errors ${outcome.floorErrors}; ` +
        `CPU during the load: API and panel process ${cpu.other} s, worker process ${cpu.worker} s, Temporal server ${cpu.Temporal} s`,
    );
    return outcome;
  } finally {
    await connection.close();
    const stopAt = Date.now();
    const stopped = await stack.stop(120_000);
    const stopMs = Date.now() - stopAt;
    if (stopped.code !== 0 || stopped.leftBehind.length > 0 || stopMs > 5000)
      console.log(`  SIGTERM to exit: ${stopMs} ms, ${JSON.stringify(stopped)}`);
    await temporal.stop();
  }
}

async function main(): Promise<void> {
  const load1 = os.loadavg()[0];
  const results: RunResult[] = [];
  for (let i = 1; i <= Number(values.runs); i++) results.push(await run(i));
  const errorCount = (r: RunResult) =>
    r.errors +
    Object.entries(r.statuses)
      .filter(([c]) => c !== '202')
      .reduce((n, [, v]) => n + v, 0);
  console.log(
    [
      `${machineLine()}, load average ${fmt(load1)} at start, ${fmt(os.loadavg()[0])} at end`,
      `POST /v1/orders at ${values.rate}/s (${ARRIVALS} arrivals) for ${values.duration} s, ${results.length} runs (fresh stack each)`,
      `median p50 ${fmt(median(results.map((r) => r.p50)))} ms, median p99 ${fmt(median(results.map((r) => r.p99)))} ms (target < 50 ms), ` +
        `median ${fmt(median(results.map((r) => r.rps)))} req/s, non-202 or failed requests per run: ${results.map(errorCount).join(', ')}; ` +
        `floor (raw StartWorkflowExecution at the same rate, same server): median p50 ${fmt(median(results.map((r) => r.floorP50)))} ms, ` +
        `median p99 ${fmt(median(results.map((r) => r.floorP99)))} ms`,
    ].join('\n'),
  );
}

runMain(main);
