/**
 * Benchmark of the embedded Temporal server: workflows of two activities with 1 and with 50 in flight, latency,
 * the server's CPU share against the worker process, and server memory idle vs after many completed workflows.
 * Usage: npm run bench:devserver -- [--workflows 10000] [--sequential 200] [--retention 2s]
 */
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { machineLine, percentile, processCpuSeconds } from './proc-stats';

const { values } = parseArgs({ options: {
  workflows: { type: 'string', default: '10000' }, sequential: { type: 'string', default: '200' },
  concurrency: { type: 'string', default: '50' }, retention: { type: 'string', default: '2s' },
} });
const TASK_QUEUE = 'bench';

async function startServer(port: number): Promise<ChildProcess> {
  const bin = path.resolve(__dirname, '../bin/temporal-devserver');
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, bin, 'server', 'start-dev', '--port', String(port), '--headless', '--retention', values.retention!], {
    stdio: ['ignore', 'pipe', 'inherit'], env: process.env,
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

function memory(child: ChildProcess): Promise<{ heapUsedMiB: number; rssMiB: number; runs: number }> {
  return new Promise((resolve) => {
    const onData = (buf: Buffer) => {
      const line = buf.toString().split('\n').find((l) => l.includes('"memory"'));
      if (!line) return;
      child.stdout!.off('data', onData);
      resolve(JSON.parse(line).memory);
    };
    child.stdout!.on('data', onData);
    child.kill('SIGUSR2');
  });
}

async function runBatch(client: Client, count: number, concurrency: number, prefix: string): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      await client.workflow.execute('twoSteps', { taskQueue: TASK_QUEUE, workflowId: `${prefix}-${i}`, args: [i] });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { latencies: latencies.sort((a, b) => a - b), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const port = 17000 + Math.floor(Math.random() * 1000);
  const server = await startServer(port);
  const address = `127.0.0.1:${port}`;
  const client = new Client({ connection: await Connection.connect({ address }) });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }), taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'), activities, maxCachedWorkflows: 1000,
  });
  const retentionWaitMs = 4000 + Number.parseFloat(values.retention!) * 1000;
  const report: string[] = [machineLine()];
  await worker.runUntil(async () => {
    await runBatch(client, 50, 10, 'warmup');
    await sleep(retentionWaitMs);
    const idle = await memory(server);
    const seq = await runBatch(client, Number(values.sequential), 1, 'seq');
    report.push(`1 in flight: ${fmt(seq.latencies.length / seq.seconds)} workflows/s, p50 ${fmt(percentile(seq.latencies, 50))} ms, p99 ${fmt(percentile(seq.latencies, 99))} ms`);
    const serverCpu0 = processCpuSeconds(server.pid!);
    const selfCpu0 = process.cpuUsage();
    const par = await runBatch(client, Number(values.workflows), Number(values.concurrency), 'par');
    const serverCpu = processCpuSeconds(server.pid!) - serverCpu0;
    const self = process.cpuUsage(selfCpu0);
    const workerCpu = (self.user + self.system) / 1e6;
    report.push(`${values.concurrency} in flight: ${fmt(par.latencies.length / par.seconds)} workflows/s over ${par.latencies.length} workflows, p50 ${fmt(percentile(par.latencies, 50))} ms, p99 ${fmt(percentile(par.latencies, 99))} ms`);
    report.push(`CPU during that run: server ${fmt(serverCpu)} s, worker+client process ${fmt(workerCpu)} s (server/worker = ${fmt((serverCpu / workerCpu) * 100)}%)`);
    await sleep(retentionWaitMs);
    const after = await memory(server);
    report.push(`server memory idle: heap ${idle.heapUsedMiB} MiB, rss ${idle.rssMiB} MiB (${idle.runs} runs kept)`);
    report.push(`server memory after ${par.latencies.length + seq.latencies.length} workflows, past retention: heap ${after.heapUsedMiB} MiB (${fmt(((after.heapUsedMiB - idle.heapUsedMiB) / idle.heapUsedMiB) * 100)}% vs idle), rss ${after.rssMiB} MiB (${after.runs} runs kept)`);
  });
  server.kill('SIGTERM');
  console.log(report.join('\n'));
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
