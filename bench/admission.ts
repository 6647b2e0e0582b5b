/**
 * Benchmark of the admission primitive alone (src/api/admission.ts: the per-user in-flight limit through
 * update-with-start of the user's admission shard), without the rest of the service: this process runs the API worker
 * (the shards) and sends admissions at a fixed rate (open loop, Poisson arrivals) to the official dev server (in
 * memory, the project's dynamic config). The floor in the same run: StartWorkflowExecution at the same rate. It shows
 * what the accept path's exact limit costs by itself, apart from the CPU the rest of the stack takes on two cores.
 * Usage: npm run bench:admission -- [--rate 100] [--duration 15] [--runs 3] [--users 1000]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Admission } from '../src/api/admission';
import type { Order } from '../src/workflows/contract';
import { createApiWorker } from '../src/worker/api-worker';
import { startBenchTemporal } from './engine';
import { openLoop, type OpenLoopResult } from './open-loop';
import { machineLine, median, percentile, processCpuSeconds } from './proc-stats';
import { temporalInterceptors } from '../src/temporal-grpc';
import { runMain } from './run-main';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '15' },
    runs: { type: 'string', default: '3' },
    users: { type: 'string', default: '1000' },
  },
});
const RATE = Number(values.rate);
const DURATION = Number(values.duration);
const USERS = Number(values.users);
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

interface RunResult {
  p50: number;
  p99: number;
  refused: number;
  errors: number;
  floorP50: number;
  floorP99: number;
  serverMsPerAdmission: number;
  processMsPerAdmission: number;
}

async function run(index: number): Promise<RunResult> {
  const temporal = await startBenchTemporal();
  const connection = await Connection.connect({ address: temporal.address, interceptors: temporalInterceptors() });
  const native = await NativeConnection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection });
    const taskQueue = `admission-bench-${randomUUID().slice(0, 8)}`;
    const worker = await createApiWorker({ connection: native, client, namespace: 'default', taskQueue });
    return await worker.runUntil(async () => {
      const admission = new Admission({ client, taskQueue, limit: 5 });
      const admit = (n: number) => admission.admit({ orderId: `${taskQueue}-${n}`, userId: 1 + (n % USERS) } as Order);
      await openLoop({
        ratePerSecond: 20,
        durationSeconds: 3,
        seed: 1000 + index,
        send: async (n) => {
          await admit(1_000_000 + n);
          return 200;
        },
      });
      const floor = await openLoop({
        ratePerSecond: RATE,
        durationSeconds: DURATION,
        seed: index,
        send: async (n) => {
          await client.workflow.start('fiveSteps', {
            taskQueue: `${taskQueue}-unpolled`,
            workflowId: `${taskQueue}-floor-${n}`,
            args: [n],
          });
          return 202;
        },
      });
      const cpu0 = process.cpuUsage();
      const server0 = processCpuSeconds(temporal.serverPid);
      const result: OpenLoopResult = await openLoop({
        ratePerSecond: RATE,
        durationSeconds: DURATION,
        seed: index,
        send: async (n) => ((await admit(n)).admitted ? 200 : 429),
      });
      const cpu = process.cpuUsage(cpu0);
      const admissions = result.sent;
      const outcome: RunResult = {
        p50: percentile(result.latenciesMs, 50),
        p99: percentile(result.latenciesMs, 99),
        refused: result.statuses['429'] ?? 0,
        errors: result.errors,
        floorP50: percentile(floor.latenciesMs, 50),
        floorP99: percentile(floor.latenciesMs, 99),
        serverMsPerAdmission: ((processCpuSeconds(temporal.serverPid) - server0) * 1000) / admissions,
        processMsPerAdmission: (cpu.user + cpu.system) / 1000 / admissions,
      };
      console.log(
        `run ${index}: admission p50 ${fmt(outcome.p50)} ms, p99 ${fmt(outcome.p99)} ms, ${admissions} sent, refused ${outcome.refused}, ` +
          `errors ${outcome.errors}; floor (raw start) p50 ${fmt(outcome.floorP50)} ms, p99 ${fmt(outcome.floorP99)} ms; CPU per admission: ` +
          `Temporal server ${fmt(outcome.serverMsPerAdmission)} ms, this process (client and API worker) ${fmt(outcome.processMsPerAdmission)} ms`,
      );
      return outcome;
    });
  } finally {
    await native.close();
    await connection.close();
    await temporal.stop();
  }
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const results: RunResult[] = [];
  for (let i = 1; i <= Number(values.runs); i++) results.push(await run(i));
  console.log(
    [
      machineLine(),
      `admissions at ${RATE}/s (Poisson) for ${DURATION} s, ${results.length} runs (fresh server each): median p50 ${fmt(median(results.map((r) => r.p50)))} ms, ` +
        `median p99 ${fmt(median(results.map((r) => r.p99)))} ms; floor (raw StartWorkflowExecution, same server): median p50 ` +
        `${fmt(median(results.map((r) => r.floorP50)))} ms, median p99 ${fmt(median(results.map((r) => r.floorP99)))} ms; median CPU per admission: server ` +
        `${fmt(median(results.map((r) => r.serverMsPerAdmission)))} ms, client and API worker ${fmt(median(results.map((r) => r.processMsPerAdmission)))} ms`,
    ].join('\n'),
  );
}

runMain(main);
