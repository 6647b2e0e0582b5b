/**
 * Chaos suite (`npm run chaos`): --orders orders (default 200) with callbacks, submitted through the API while the
 * simulated panel injects --faults (default 20 %) 5xx and creates that time out but succeed, and the worker, the API
 * and the Temporal dev server (on its database file) are each killed with SIGKILL at random moments (seeded) and restarted. Then it
 * waits for every order to settle and checks: every order accepted with a 202 is found; every order is ACTIVE,
 * FAILED, CANCELLED or NEEDS_ATTENTION; exactly one server per ACTIVE order; no server or allocation held for any
 * FAILED or CANCELLED order, and no reservation left in the flow control when nothing is parked; every settled
 * order's callback arrived with a valid signature (one event per event id after de-duplication). During the chaos,
 * server entities go overdue (suspended at once) and are paid again; afterwards every ACTIVE order has its entity, on
 * the panel's server, whose status agrees with the panel, and every billed one is ACTIVE and unsuspended. Exits 1 when
 * an invariant fails.
 * Usage: npm run chaos -- [--orders 200] [--faults 0.2] [--chaos-seconds 120] [--seed 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimPanel, type SimState } from '../sim/src';
import { freePort, orderBody, sleep } from '../test/e2e/stack-process';
import { WORKER_READY_MESSAGE } from '../src/worker/ready';
import { seededRandom } from '../bench/open-loop';
import { answers, Part, sentMessage, TemporalPart, tsNode } from './processes';
import { CallbackReceiver } from './receiver';
import { checkEntities, checkInvariants, type EntityView, type Settled } from './invariants';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    faults: { type: 'string', default: '0.2' },
    'chaos-seconds': { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
  },
});
const ORDERS = Number(values.orders);
const API_KEY = 'chaos-api-key-0123456789abcdef';
const PANEL_KEY = 'ptla_chaos0123456789abcdef';
/** A Standard Webhooks secret: whsec_ + base64 of 32 bytes. */
const SECRET = `whsec_${Buffer.from('chaos-callback-secret-0123456789').toString('base64')}`;
const random = seededRandom(Number(values.seed));

type Call = (method: string, route: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

/** Sends `body` until the API answers 202 (or 409: the server is gone), through kills. */
async function untilAccepted(call: Call, route: string, body: unknown): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const res = await call('POST', route, body).catch(() => null);
    if (res && (res.status === 202 || res.status === 409)) return;
    await sleep(1000);
  }
}

/** The billing clock under chaos: overdue (suspended at once), then paid three seconds later. */
async function billingRound(call: Call, orderId: string): Promise<void> {
  await untilAccepted(call, `/v1/servers/${orderId}/billing`, { state: 'overdue' });
  await sleep(3000);
  await untilAccepted(call, `/v1/servers/${orderId}/billing`, { state: 'paid' });
}

/** Waits until every billed server's entity has finished its operations and is ACTIVE again. */
async function settleServers(call: Call, billed: Set<string>, deadline: number): Promise<void> {
  const open = new Set(billed);
  while (open.size > 0 && Date.now() < deadline) {
    for (const id of [...open]) {
      const res = await call('GET', `/v1/servers/${id}`).catch(() => null);
      const view = res?.status === 200 ? (res.body as unknown as EntityView) : null;
      if (view && view.status === 'ACTIVE' && view.operations.every((o) => o.status !== 'PENDING')) open.delete(id);
    }
    if (open.size > 0) await sleep(2000);
  }
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'server-queue-chaos-'));
  const faults = {
    errorRate: Number(values.faults),
    createTimeoutButSucceedsRate: 0.05,
    installMs: 2000,
    rateLimitPerMinute: 6000,
    seed: Number(values.seed),
  };
  const sim = await startSimPanel({ apiKey: PANEL_KEY, dataDir, port: 0 });
  const setFaults = (f: object) =>
    fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(f),
    });
  await setFaults(faults);
  const receiver = new CallbackReceiver(SECRET);
  const callbackUrl = await receiver.listen();
  const [temporalPort, apiPort] = [await freePort(), await freePort()];
  const common = {
    LOG_LEVEL: 'error',
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    CALLBACK_SECRETS: SECRET,
    CALLBACK_LEGACY_HEADERS: 'false',
    CALLBACK_ALLOWED_HOSTS: '127.0.0.1', // the receiver is local; the outbound guard refuses loopback otherwise
    PROVIDER_RATE_LIMIT: '6000',
  };
  const temporal = new TemporalPart(temporalPort, path.join(dataDir, 'temporal.db'));
  const worker = new Part(
    'worker',
    tsNode('src/worker/main.ts'),
    {
      ...common,
      PTERODACTYL_URL: sim.url,
      PTERODACTYL_API_KEY: PANEL_KEY,
      WORKER_METRICS_PORT: '0',
      WORKER_SDK_METRICS_PORT: '0',
    },
    sentMessage(WORKER_READY_MESSAGE),
    true,
  );
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = new Part(
    'API',
    tsNode('src/api/main.ts'),
    { ...common, API_KEY, PORT: String(apiPort), MAX_INFLIGHT_PER_USER: '100000' },
    () => answers(`${apiUrl}/readyz`),
  );
  const parts = [temporal, worker, api];
  try {
    for (const part of parts) await part.start();
    const call = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${apiUrl}${route}`, {
        method,
        headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as Settled | null };
    };

    let chaosOn = true;
    const kills: string[] = [];
    const chaos = (async () => {
      const until = Date.now() + Number(values['chaos-seconds']) * 1000;
      while (chaosOn && Date.now() < until) {
        await sleep(4000 + random() * 8000);
        const part = parts[Math.floor(random() * parts.length)];
        kills.push(part.name);
        await part.crash(500 + random() * 2500);
      }
    })();

    const accepted = new Set<string>();
    const submitting = Array.from({ length: ORDERS }, async (_, i) => {
      await sleep((i / ORDERS) * Number(values['chaos-seconds']) * 900);
      const orderId = `chaos-${i}`;
      for (;;) {
        const res = await call(
          'POST',
          '/v1/orders',
          orderBody(orderId, { tier: ['premium', 'standard', 'free'][i % 3], callbackUrl }),
        ).catch(() => null);
        if (res && (res.status === 202 || res.status === 200)) {
          accepted.add(orderId);
          return;
        }
        await sleep(1000);
      }
    });
    const billed = new Set<string>();
    const billing = (async () => {
      for (let i = 0; chaosOn && i < ORDERS; i += 1) {
        await sleep(1500);
        const orderId = `chaos-${i}`;
        const server = await call('GET', `/v1/servers/${orderId}`).catch(() => null);
        if (server?.status !== 200) continue;
        billed.add(orderId);
        void billingRound(call, orderId);
      }
    })();
    await Promise.all(submitting);
    await chaos;
    chaosOn = false;
    await billing;
    console.log(
      `kills: ${kills.length} (${['worker', 'API', 'Temporal'].map((n) => `${n} ${kills.filter((k) => k === n).length}`).join(', ')})`,
    );

    const settled = new Map<string, Settled | null>();
    const deadline = Date.now() + 15 * 60_000;
    const open = () =>
      [...accepted].filter(
        (id) => !['ACTIVE', 'FAILED', 'CANCELLED', 'NEEDS_ATTENTION'].includes(settled.get(id)?.status ?? ''),
      );
    while (open().length > 0 && Date.now() < deadline) {
      for (const id of open()) {
        const res = await call('GET', `/v1/orders/${id}`).catch(() => null);
        if (res) settled.set(id, res.status === 200 ? res.body : null);
      }
      await sleep(2000);
    }
    await settleServers(call, billed, deadline);
    await sleep(5000);
    const panel = (await (await fetch(`${sim.url}/_sim/state`)).json()) as SimState;
    const failures = checkInvariants([...accepted], settled, panel, receiver);
    const active = [...settled.values()].filter((v) => v?.status === 'ACTIVE').map((v) => v!.orderId);
    const entities = new Map<string, EntityView | null>();
    for (const id of active) {
      const res = await call('GET', `/v1/servers/${id}`).catch(() => null);
      entities.set(id, res?.status === 200 ? (res.body as unknown as EntityView) : null);
    }
    failures.push(...checkEntities(active, entities, billed, panel));
    const parked = [...settled.values()].some((v) => v?.status === 'NEEDS_ATTENTION');
    const queue = (await call('GET', '/v1/queue')).body as unknown as {
      flowControl?: { nodes?: Array<{ nodeId: number; memory: { reserved: number } }> };
    };
    for (const node of queue.flowControl?.nodes ?? []) {
      if (!parked && node.memory.reserved !== 0)
        failures.push(`node ${node.nodeId}: ${node.memory.reserved} MB still reserved`);
    }
    const statuses: Record<string, number> = {};
    for (const v of settled.values()) statuses[v?.status ?? 'missing'] = (statuses[v?.status ?? 'missing'] ?? 0) + 1;
    console.log(`${billed.size} servers went overdue and were paid during the chaos`);
    console.log(
      `${accepted.size} orders accepted; ${JSON.stringify(statuses)}; ${receiver.events.size} callback events, ` +
        `${[...receiver.events.values()].reduce((n, e) => n + e.deliveries, 0)} deliveries, ${receiver.rejected} bad signatures`,
    );
    for (const v of settled.values()) {
      if (v?.status !== 'NEEDS_ATTENTION') continue;
      const { parked: p } = (await call('GET', `/v1/orders/${encodeURIComponent(v.orderId)}`)).body as {
        parked?: { reason: string; step: string; errors: unknown[] };
      };
      console.log(`parked ${v.orderId}: ${p?.reason} at ${p?.step}; last errors ${JSON.stringify(p?.errors ?? [])}`);
    }
    console.log(
      failures.length === 0 ? 'all invariants hold' : `INVARIANTS FAILED:\n${failures.map((f) => `  ${f}`).join('\n')}`,
    );
    return failures.length === 0 ? 0 : 1;
  } finally {
    for (const part of [...parts].reverse()) await part.stop().catch(() => undefined);
    await receiver.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
