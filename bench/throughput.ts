/**
 * Benchmark of provisioning throughput against the engine's floor, in the same run on the same Temporal server:
 * orders submitted through the API with a fixed number in flight (one panel user per lane), against the `npm start`
 * stack (a child process: the API and the worker at nice 10) on the official Temporal dev server (in memory, the
 * project's dynamic config, started by the benchmark: bench/engine.ts), with a
 * zero-latency simulated panel (no rate limit, installs finish at once), and the same number of bare five-activity
 * workflows (bench/workflows.ts) run by a worker process with the same SDK settings at the same niceness on the same
 * server, alternating in four chunks (the server's database grows as they run, so both meet the same sizes). Reports orders ACTIVE per second
 * and the floor's workflows per second (target: >= 90 % of it), the Temporal server's CPU per order and per floor
 * workflow (target: within 1.2x), submission-to-ACTIVE latency, the CPU of the other processes, and panel calls per
 * ACTIVE order (target <= 6) by route. Completion is awaited on the workflow's result through Temporal. Warm-up
 * batches (not counted) fill the caches; a fresh stack per run.
 * The stack gets PROVIDER_RATE_LIMIT to match the panel; `--env NAME=value` adds or overrides stack settings.
 * Usage: npm run bench:throughput -- [--orders 300] [--concurrency 50] [--warmup 10] [--runs 3] [--env NAME=value]
 *   [--entity-floor]
 * `--entity-floor` adds two kinds to each chunk, the floors of an order that also starts its server's entity, so the
 * share of the gap that is the second workflow's own engine cost shows: bench/workflows.ts `fiveStepsThenEntity`
 * (started by an activity, as orders do) and `fiveStepsThenChildEntity` (started as an abandoned child, the
 * alternative the README measures).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { CallStats } from '../sim/src';
import { orderWorkflowId, type OrderState } from '../src/workflows/contract';
import { descendants, orderBody, startStack, type StackProcess } from '../test/e2e/stack-process';
import { startBenchTemporal } from './engine';
import { runFloor, startFloorWorker, type FloorWorkflowType } from './floor';
import { cpuByRole, cpuDelta, machineLine, median, percentile, processCpuSeconds } from './proc-stats';
import { temporalInterceptors } from '../src/temporal-grpc';
import { runMain } from './run-main';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    env: { type: 'string', multiple: true, default: [] },
    'entity-floor': { type: 'boolean', default: false },
  },
});
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);
/** `--entity-floor`: also run the floors of an order that starts a second workflow, by an activity and as a child. */
const ENTITY_FLOORS: Array<{ type: FloorWorkflowType; label: string }> = values['entity-floor']
  ? [
      { type: 'fiveStepsThenEntity', label: 'floor with an entity started by an activity' },
      { type: 'fiveStepsThenChildEntity', label: 'floor with an entity started as a child' },
    ]
  : [];
const SEEDED_USERS = 3;
/** Chunks in which orders and floor workflows alternate. */
const ROUNDS = 4;
const ALLOCATIONS_PER_NODE = 120;
/** The simulated panel's rate limit in this benchmark (practically none); the worker's provider budget is told the same. */
const PANEL_RATE_LIMIT = 100_000;
/** `--env NAME=value` (repeatable): extra settings for the stack, e.g. PROVIDER_RATE_LIMIT. */
const STACK_ENV = Object.fromEntries(
  values.env!.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
/** BENCH_STACK_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the stack's main process. */
const STACK_NODE_ARGS = (process.env.BENCH_STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

interface Batch {
  seconds: number;
  latencies: number[];
  statuses: Record<string, number>;
}
interface RunResult {
  perSecond: number;
  p50: number;
  p99: number;
  callsPerActive: number;
  byRoute: Record<string, number>;
  /** CPU seconds of the stack's main process (API, simulated panel), its worker process and Temporal server. */
  cpu: Record<string, number>;
  floorPerSecond: number;
  /** Temporal server CPU milliseconds per ACTIVE order and per floor workflow. */
  serverMsPerOrder: number;
  serverMsPerFloor: number;
  /** With --entity-floor: the same two figures for each entity floor. */
  entityFloors: Array<{ type: FloorWorkflowType; label: string; perSecond: number; serverMs: number }>;
}

async function prepare(stack: StackProcess): Promise<void> {
  await stack.setFaults({ rateLimitPerMinute: PANEL_RATE_LIMIT, installMs: 0 });
  const nodes = Math.ceil((ORDERS + WARMUP) / ALLOCATIONS_PER_NODE) - 2;
  for (let i = 0; i < nodes; i++) await stack.addNode({ location_id: 1 });
  for (let i = 0; i < CONCURRENCY - SEEDED_USERS; i++) {
    await stack.addUser();
  }
}

/** `count` orders, `lanes` at a time; each lane submits through the API and waits for the workflow's result. */
async function batch(
  stack: StackProcess,
  client: Client,
  prefix: string,
  count: number,
  lanes: number,
): Promise<Batch> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = process.hrtime.bigint();
  const lane = async (laneIndex: number) => {
    while (next < count) {
      const orderId = `${prefix}-${next++}`;
      const t0 = process.hrtime.bigint();
      const accepted = await stack.api('POST', '/v1/orders', orderBody(orderId, { userId: 1 + laneIndex }));
      if (accepted.status !== 202)
        throw new Error(`POST /v1/orders ${orderId}: ${accepted.status} ${JSON.stringify(accepted.body)}`);
      const state = (await client.workflow.getHandle(orderWorkflowId(orderId)).result()) as OrderState;
      statuses[state.status] = (statuses[state.status] ?? 0) + 1;
      if (state.status === 'ACTIVE') latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    latencies: latencies.sort((a, b) => a - b),
    statuses,
  };
}

function callsDelta(before: CallStats, after: CallStats): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after.byRoute)
      .map(([route, n]) => [route, n - (before.byRoute[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

async function run(index: number): Promise<RunResult> {
  const temporal = await startBenchTemporal();
  const stack = await startStack({
    env: {
      LOG_LEVEL: 'warn',
      PROVIDER_RATE_LIMIT: String(PANEL_RATE_LIMIT),
      TEMPORAL_ADDRESS: temporal.address,
      ...STACK_ENV,
    },
    nodeArgs: STACK_NODE_ARGS,
  });
  const connection = await Connection.connect({ address: temporal.address, interceptors: temporalInterceptors() });
  const floor = await startFloorWorker(temporal.address, 10);
  try {
    const client = new Client({ connection });
    await prepare(stack);
    await batch(stack, client, `warm-${index}`, WARMUP, Math.min(WARMUP, CONCURRENCY));
    await runFloor(client, floor, `floor-warm-${index}`, WARMUP, Math.min(WARMUP, CONCURRENCY));
    for (const { type } of ENTITY_FLOORS)
      await runFloor(client, floor, `${type}-warm-${index}`, WARMUP, Math.min(WARMUP, CONCURRENCY), type);
    const tree = [stack.child.pid!, ...descendants(stack.child.pid!), temporal.serverPid];
    const server = temporal.serverPid;

    // Orders and floor workflows alternate in ROUNDS chunks, so that both meet the same database size.
    const perRound = Math.ceil(ORDERS / ROUNDS);
    const totals = {
      orderSeconds: 0,
      floorSeconds: 0,
      floorServerCpu: 0,
      floorWorkerCpu: 0,
      entity: Object.fromEntries(ENTITY_FLOORS.map(({ type }) => [type, { seconds: 0, serverCpu: 0 }])),
      latencies: [] as number[],
      statuses: {} as Record<string, number>,
    };
    const cpu = { other: 0, worker: 0, Temporal: 0 } as Record<string, number>;
    const calls0 = (await stack.simState()).calls;
    const kinds: string[] = ['floor', 'orders', ...ENTITY_FLOORS.map(({ type }) => type)];
    for (let round = 0; round < ROUNDS; round++) {
      const shift = (round + index) % kinds.length;
      for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
        const entity = totals.entity[kind];
        if (entity) {
          const c0 = processCpuSeconds(server);
          const type = kind as FloorWorkflowType;
          entity.seconds += await runFloor(client, floor, `${type}-${index}-${round}`, perRound, CONCURRENCY, type);
          entity.serverCpu += processCpuSeconds(server) - c0;
        } else if (kind === 'floor') {
          const [c0, w0] = [processCpuSeconds(server), processCpuSeconds(floor.pid)];
          totals.floorSeconds += await runFloor(client, floor, `floor-${index}-${round}`, perRound, CONCURRENCY);
          totals.floorServerCpu += processCpuSeconds(server) - c0;
          totals.floorWorkerCpu += processCpuSeconds(floor.pid) - w0;
        } else {
          const c0 = cpuByRole(tree);
          const b = await batch(stack, client, `tp-${index}-${round}`, perRound, CONCURRENCY);
          for (const [role, seconds] of Object.entries(cpuDelta(c0, cpuByRole(tree))))
            cpu[role] = (cpu[role] ?? 0) + seconds;
          totals.orderSeconds += b.seconds;
          totals.latencies.push(...b.latencies);
          for (const [status, n] of Object.entries(b.statuses))
            totals.statuses[status] = (totals.statuses[status] ?? 0) + n;
        }
      }
    }
    const calls = (await stack.simState()).calls;
    const measured = {
      seconds: totals.orderSeconds,
      statuses: totals.statuses,
      latencies: totals.latencies.sort((a, b) => a - b),
    };
    const floorResult = {
      seconds: totals.floorSeconds,
      serverCpu: totals.floorServerCpu,
      workerCpu: totals.floorWorkerCpu,
    };
    const floorCount = perRound * ROUNDS;
    for (const role of Object.keys(cpu)) cpu[role] = Math.round(cpu[role] * 100) / 100;

    const active = measured.statuses.ACTIVE ?? 0;
    const result: RunResult = {
      perSecond: active / measured.seconds,
      p50: percentile(measured.latencies, 50),
      p99: percentile(measured.latencies, 99),
      callsPerActive: (calls.total - calls0.total) / active,
      cpu,
      byRoute: callsDelta(calls0, calls),
      floorPerSecond: floorCount / floorResult.seconds,
      serverMsPerOrder: (cpu.Temporal * 1000) / active,
      serverMsPerFloor: (floorResult.serverCpu * 1000) / floorCount,
      entityFloors: ENTITY_FLOORS.map(({ type, label }) => ({
        type,
        label,
        perSecond: floorCount / totals.entity[type].seconds,
        serverMs: (totals.entity[type].serverCpu * 1000) / floorCount,
      })),
    };
    console.log(
      `run ${index}: ${JSON.stringify(measured.statuses)} in ${fmt(measured.seconds)} s = ` +
        `${fmt(result.perSecond)} ACTIVE/s; floor ${fmt(result.floorPerSecond)} workflows/s ` +
        `(${fmt((100 * result.perSecond) / result.floorPerSecond)} %); Temporal server CPU ${fmt(result.serverMsPerOrder)} ms per order, ` +
        `${fmt(result.serverMsPerFloor)} ms per floor workflow (${(result.serverMsPerOrder / result.serverMsPerFloor).toFixed(2)}x); ` +
        `submission-to-ACTIVE p50 ${fmt(result.p50)} ms p99 ${fmt(result.p99)} ms; CPU during the orders: API and panel process ${cpu.other} s, ` +
        `worker process ${cpu.worker} s, Temporal server ${cpu.Temporal} s; during the floor: its worker process ${fmt(floorResult.workerCpu)} s, ` +
        `Temporal server ${fmt(floorResult.serverCpu)} s; ${result.callsPerActive.toFixed(2)} panel calls per ACTIVE order ` +
        `(429s: ${calls.rateLimited - calls0.rateLimited})`,
    );
    for (const entity of result.entityFloors)
      console.log(
        `  ${entity.label}: ${fmt(entity.perSecond)} workflows/s ` +
          `(orders ${fmt((100 * result.perSecond) / entity.perSecond)} % of it), Temporal server CPU ` +
          `${fmt(entity.serverMs)} ms each (orders ${(result.serverMsPerOrder / entity.serverMs).toFixed(2)}x)`,
      );
    console.log(
      `  calls per ACTIVE order by route: ${Object.entries(result.byRoute)
        .map(([r, n]) => `${r} ${(n / active).toFixed(2)}`)
        .join(', ')}`,
    );
    return result;
  } finally {
    await floor.stop();
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
  console.log(
    [
      `${machineLine()}, load average ${fmt(load1)} at start, ${fmt(os.loadavg()[0])} at end`,
      `${ORDERS} orders, ${CONCURRENCY} in flight, zero-latency panel, ${results.length} runs (fresh stack each)`,
      `median ${fmt(median(results.map((r) => r.perSecond)))} ACTIVE orders/s, floor ${fmt(median(results.map((r) => r.floorPerSecond)))} ` +
        `workflows/s, median ratio ${fmt(median(results.map((r) => (100 * r.perSecond) / r.floorPerSecond)))} % (target >= 90 %); ` +
        `Temporal server CPU per order / per floor workflow: median ${median(results.map((r) => r.serverMsPerOrder / r.serverMsPerFloor)).toFixed(2)}x ` +
        `(target <= 1.2x); median submission-to-ACTIVE p50 ${fmt(median(results.map((r) => r.p50)))} ms p99 ` +
        `${fmt(median(results.map((r) => r.p99)))} ms, median ${fmt(median(results.map((r) => r.callsPerActive)))} panel calls per ACTIVE order (target <= 6)`,
      ...ENTITY_FLOORS.map(({ type, label }, i) => {
        const rate = median(results.map((r) => (100 * r.perSecond) / r.entityFloors[i].perSecond));
        const cpu = median(results.map((r) => r.serverMsPerOrder / r.entityFloors[i].serverMs));
        const ownMs = median(results.map((r) => r.entityFloors[i].serverMs));
        return `${label} (${type}): median server CPU ${fmt(ownMs)} ms each; orders median ${fmt(rate)} % of its rate, Temporal server CPU per order median ${cpu.toFixed(2)}x its own`;
      }),
    ].join('\n'),
  );
}

runMain(main);
