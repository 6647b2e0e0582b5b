/**
 * Benchmark of server entities at scale on the `npm start` stack: --entities (default 10 000) live `serverLifecycle`
 * workflows, each for a real server on the simulated panel, started the way an ACTIVE order starts its entity
 * (startServerEntityWorkflow). Reports the worker's and the engine's memory and CPU at rest, then gives --due
 * (default 1 000) of them an overdue notice whose suspension falls due at the same moment and times how long the
 * suspensions take to reach the panel, against the provider budget's minimum (PROVIDER_RATE_LIMIT 240/min x --scale,
 * reserve 10 %) and against the engine's floor measured in the same run on the same server: as many bare workflows
 * at rest (bench/workflows.ts `restingTimer`), the same number of them firing one timer at the same moment.
 * Usage: npm run bench:entities -- [--entities 10000] [--due 1000] [--scale 10] [--runs 1]
 */
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createPterodactylClient, type Server } from '../src/provider';
import { startServerEntityWorkflow } from '../src/temporal-entities';
import { temporalInterceptors } from '../src/temporal-grpc';
import { ownExternalId } from '../src/workflows/own-server';
import { billingUpdate, serverEntityWorkflowId } from '../src/workflows/server-entity-contract';
import { directServer } from '../test/activities/panel-harness';
import { descendants, startStack, type StackProcess } from '../test/e2e/stack-process';
import { startFloorWorker, type FloorWorker } from './floor';
import { fmt } from './flow-stack';
import { cpuByRole, cpuDelta, machineLine, median, processRole, processRssMiB } from './proc-stats';
import { runMain } from './run-main';

const { values } = parseArgs({
  options: {
    entities: { type: 'string', default: '10000' },
    due: { type: 'string', default: '1000' },
    scale: { type: 'string', default: '10' },
    runs: { type: 'string', default: '1' },
    rest: { type: 'string', default: '60' },
  },
});
const ENTITIES = Number(values.entities);
const DUE = Number(values.due);
const LIMIT = 240 * Number(values.scale);
const ALLOWED_PER_S = (LIMIT * 0.9) / 60;
const REST_S = Number(values.rest);
const PANEL_KEY = 'ptla_benchEntities0123456789';
const TASK_QUEUE = 'server-queue';
/** Small servers, so 100 fit on each simulated node. */
const LIMITS = { memory: 64, swap: 0, disk: 64, io: 500, cpu: 10 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Rest {
  workerMiB: number;
  engineMiB: number;
  /** CPU seconds per minute at rest. */
  workerCpu: number;
  engineCpu: number;
}
interface Result {
  floor: Rest & { settleS: number; deliverS: number };
  entities: Rest & {
    settleS: number;
    startS: number;
    deliverS: number;
    minimumS: number;
    calls: number;
    limited: number;
  };
}

async function inLanes<T>(count: number, lanes: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/** Waits (up to 10 minutes) until the worker and the engine together use under 20 % of a core for 10 s. */
async function settled(pids: number[]): Promise<number> {
  const t0 = Date.now();
  for (let quiet = 0; quiet < 2 && Date.now() - t0 < 600_000;) {
    const before = cpuByRole(pids);
    await sleep(5_000);
    const used = Object.values(cpuDelta(before, cpuByRole(pids))).reduce((a, b) => a + b, 0);
    quiet = used < 1 ? quiet + 1 : 0;
  }
  return (Date.now() - t0) / 1000;
}

/**
 * RSS and CPU per minute of `workerPid` and the engine over REST_S seconds of nothing happening, once the work the
 * starts left behind (first workflow tasks, visibility writes) is done.
 */
async function atRest(workerPid: number, enginePid: number): Promise<Rest & { settleS: number }> {
  const settleS = await settled([workerPid, enginePid]);
  const before = cpuByRole([workerPid, enginePid]);
  await sleep(REST_S * 1000);
  const spent = cpuDelta(before, cpuByRole([workerPid, enginePid]));
  const worker = processRole(workerPid) === 'worker' ? spent.worker : spent.other;
  return {
    settleS,
    workerMiB: processRssMiB(workerPid),
    engineMiB: processRssMiB(enginePid),
    workerCpu: ((worker ?? 0) * 60) / REST_S,
    engineCpu: ((spent.Temporal ?? 0) * 60) / REST_S,
  };
}

async function floorPhase(
  client: Client,
  floor: FloorWorker,
  enginePid: number,
  run: number,
): Promise<Result['floor']> {
  const id = (i: number) => `floor-${run}-${i}`;
  await inLanes(ENTITIES, 50, (i) =>
    client.workflow.start('restingTimer', { taskQueue: floor.taskQueue, workflowId: id(i), args: [null] }),
  );
  const rest = await atRest(floor.pid, enginePid);
  const dueAt = Date.now() + 30_000;
  await inLanes(DUE, 50, (i) =>
    client.workflow.start('restingTimer', { taskQueue: floor.taskQueue, workflowId: `${id(i)}-due`, args: [dueAt] }),
  );
  await inLanes(DUE, 200, (i) => client.workflow.result(`${id(i)}-due`));
  return { ...rest, deliverS: (Date.now() - dueAt) / 1000 };
}

type Placed = Server & { address: { id: number; ip: string; port: number } };

async function createServers(stack: StackProcess): Promise<Placed[]> {
  const panel = createPterodactylClient({ baseUrl: stack.simUrl, apiKey: PANEL_KEY, timeoutMs: 30_000 });
  await stack.setFaults({ rateLimitPerMinute: 1_000_000, installMs: 0 });
  for (let i = 0; i < Math.ceil(ENTITIES / 100) + 1; i++) await stack.addNode({ location_id: 1 });
  const free: Array<{ id: number; ip: string; port: number }> = [];
  for (const node of await panel.listNodes())
    for (const a of await panel.listAllAllocations(node.id)) if (!a.assigned) free.push(a);
  if (free.length < ENTITIES) throw new Error(`only ${free.length} free allocations for ${ENTITIES} servers`);
  return inLanes(ENTITIES, 20, async (i) => ({
    address: free[i],
    ...(await panel.createServer({
      ...directServer(ownExternalId(`bench-${i}`), free[i].id),
      limits: { ...LIMITS },
    })),
  }));
}

async function entityPhase(
  stack: StackProcess,
  client: Client,
  servers: Placed[],
  pids: { worker: number; engine: number },
) {
  const t0 = Date.now();
  await inLanes(ENTITIES, 50, (i) =>
    startServerEntityWorkflow(client, TASK_QUEUE, {
      orderId: `bench-${i}`,
      userId: 1,
      tier: (['premium', 'standard', 'free'] as const)[i % 3],
      externalId: ownExternalId(`bench-${i}`),
      server: {
        id: servers[i].id,
        uuid: servers[i].uuid,
        identifier: servers[i].identifier,
        node: servers[i].node,
        allocation: servers[i].address,
      },
      limits: { ...LIMITS },
    }),
  );
  const startS = (Date.now() - t0) / 1000;
  const rest = await atRest(pids.worker, pids.engine);
  await stack.setFaults({ rateLimitPerMinute: LIMIT, installMs: 0 });
  const before = (await stack.simState()).calls;
  const dueAt = Date.now() + 30_000;
  const at = new Date(dueAt).toISOString();
  const notice = {
    state: 'overdue' as const,
    suspendAt: at,
    deleteAt: new Date(dueAt + 86_400_000).toISOString(),
    warningLeadMs: 0,
  };
  await inLanes(DUE, 50, (i) =>
    client.workflow.getHandle(serverEntityWorkflowId(`bench-${i}`)).executeUpdate(billingUpdate, { args: [notice] }),
  );
  const suspended = () =>
    client.workflow.count(`WorkflowType = 'serverLifecycle' AND ServerStatus = 'SUSPENDED'`).then((c) => c.count);
  while ((await suspended()) < DUE) await sleep(500);
  const deliverS = (Date.now() - dueAt) / 1000;
  const state = await stack.simState();
  const onPanel = state.servers.filter((s) => s.suspended).length;
  if (onPanel !== DUE) throw new Error(`${onPanel} servers suspended on the panel, expected ${DUE}`);
  const calls = state.calls.total - before.total;
  return {
    ...rest,
    startS,
    deliverS,
    minimumS: calls / ALLOWED_PER_S,
    calls,
    limited: state.calls.rateLimited - before.rateLimited,
  };
}

async function run(index: number): Promise<Result> {
  const stack = await startStack({
    env: {
      LOG_LEVEL: 'error',
      PTERODACTYL_API_KEY: PANEL_KEY,
      PROVIDER_RATE_LIMIT: String(LIMIT),
      RECONCILE_INTERVAL: '0m',
    },
    readyTimeoutMs: 120_000,
  });
  const connection = await Connection.connect({ address: stack.temporalAddress, interceptors: temporalInterceptors() });
  const client = new Client({ connection });
  const pids = descendants(stack.child.pid!);
  const engine = pids.find((pid) => processRole(pid) === 'Temporal')!;
  const worker = pids.find((pid) => processRole(pid) === 'worker')!;
  const floor = await startFloorWorker(stack.temporalAddress, 10);
  try {
    const servers = await createServers(stack);
    const floorResult = await floorPhase(client, floor, engine, index);
    const entities = await entityPhase(stack, client, servers, { worker, engine });
    const result = { floor: floorResult, entities };
    console.log(
      `run ${index}: ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`,
    );
    return result;
  } finally {
    await floor.stop();
    await connection.close();
    await stack.stop(120_000);
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (let i = 1; i <= Number(values.runs); i++) results.push(await run(i));
  const m = (pick: (r: Result) => number) => fmt(median(results.map(pick)));
  console.log(
    [
      machineLine(),
      `${ENTITIES} entities (floor: ${ENTITIES} bare workflows), ${DUE} due at once, panel limit ${LIMIT}/min (240 x ${values.scale}), ${results.length} run(s), medians:`,
      `at rest (${REST_S} s): worker ${m((r) => r.entities.workerMiB)} MiB RSS, ${m((r) => r.entities.workerCpu)} CPU s/min; ` +
        `engine ${m((r) => r.entities.engineMiB)} MiB RSS, ${m((r) => r.entities.engineCpu)} CPU s/min ` +
        `(floor worker ${m((r) => r.floor.workerMiB)} MiB, ${m((r) => r.floor.workerCpu)} CPU s/min; engine with the floor only ${m((r) => r.floor.engineMiB)} MiB)`,
      `${ENTITIES} entities started in ${m((r) => r.entities.startS)} s, at rest ${m((r) => r.entities.settleS)} s later ` +
        `(floor: ${m((r) => r.floor.settleS)} s)`,
      `${DUE} suspensions due at once: on the panel ${m((r) => r.entities.deliverS)} s after they fell due ` +
        `(${m((r) => r.entities.calls)} panel calls, budget minimum ${m((r) => r.entities.minimumS)} s, ` +
        `${m((r) => r.entities.limited)} x 429); floor: ${DUE} bare timers done ${m((r) => r.floor.deliverS)} s after due`,
    ].join('\n'),
  );
}

runMain(main);
