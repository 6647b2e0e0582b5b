import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { startSimPanel, type FaultInput, type NodeInput, type RunningSimPanel, type SimState } from '../../sim/src';
import type { ActivityDeps, AllocationReservations } from '../../src/activities';
import { createActivities, createReservationLedger } from '../../src/activities';
import { ProcessFlow } from '../../src/flow/process-flow';
import {
  createPterodactylClient,
  ProviderError,
  type ProviderErrorKind,
  type CreateServerBody,
  type PterodactylClient,
  type PterodactylClientOptions,
} from '../../src/provider';
import { activityDepsFor } from '../../src/worker/activity-deps';
import type { ProvisioningActivities, ServerRef } from '../../src/workflows/activity-contract';
import type { Order } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';

export const SIM_KEY = 'ptla_serverQueueWorkflowTests0123456789';
export const BASE_FAULTS: FaultInput = { installMs: 100, rateLimitPerMinute: 100_000 };
export const silentLogger = pino({ level: 'silent' });

/** A panel refusal as the client reports it; only `unavailable` is retryable. */
export const panelError = (kind: ProviderErrorKind, method: string, path: string, status = 500): ProviderError =>
  new ProviderError({ kind, retryable: kind === 'unavailable', method, path, detail: `simulated ${kind}`, status });

/** A mock activity context that does not log expected failures. */
export const mockActivityEnv = (info: Partial<Info> = {}): MockActivityEnvironment =>
  new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });

/** Runs one activity function in a mock activity context (a fresh one unless `env` is given). */
export const runActivity = <I, R>(fn: (input: I) => Promise<R>, input: I, env = mockActivityEnv()): Promise<R> =>
  env.run(fn, input) as Promise<R>;

/** The error `run` rejects with; a result instead fails the test. */
export const rejectionOf = (run: Promise<unknown>): Promise<Error> =>
  run.then(
    () => {
      throw new Error('expected a rejection, got a result');
    },
    (err: Error) => err,
  );

/** A simulated panel on 127.0.0.1 plus typed access to its control endpoints. */
export interface PanelHarness {
  sim: RunningSimPanel;
  /** A client with a short per-request timeout, so simulated hangs surface as timeouts quickly. */
  client(options?: Partial<PterodactylClientOptions>): PterodactylClient;
  /** Replaces the fault settings (on top of BASE_FAULTS); `{}` clears every injected fault. */
  faults(input: FaultInput): Promise<void>;
  reset(): Promise<void>;
  state(): Promise<SimState>;
  addNode(input: NodeInput): Promise<number>;
  close(): Promise<void>;
}

async function control(sim: RunningSimPanel, path: string, body: object): Promise<unknown> {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sim control ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** A simulated panel for the suite (started once, reset before each test, closed after); `set` receives it. */
export function usePanel(set: (panel: PanelHarness) => void): void {
  let panel: PanelHarness | undefined;
  beforeAll(async () => {
    panel = await startPanel();
    set(panel);
  });
  afterAll(async () => {
    await panel?.close();
  });
  beforeEach(async () => {
    await panel!.reset();
  });
}

export async function startPanel(): Promise<PanelHarness> {
  const sim = await startSimPanel({
    apiKey: SIM_KEY,
    port: 0,
    installMs: 100,
    rateLimitPerMinute: 100_000,
    hangMs: 3_000,
    seed: 7,
  });
  const faults = async (input: FaultInput) => {
    await control(sim, '/faults', { ...BASE_FAULTS, ...input });
  };
  return {
    sim,
    client: (options = {}) =>
      createPterodactylClient({ baseUrl: sim.url, apiKey: SIM_KEY, timeoutMs: 500, ...options }),
    faults,
    reset: async () => {
      await control(sim, '/reset', {});
      await faults({});
    },
    state: async () => (await (await fetch(`${sim.url}/_sim/state`)).json()) as SimState,
    addNode: async (input) => ((await control(sim, '/nodes', input)) as { attributes: { id: number } }).attributes.id,
    close: () => sim.close(),
  };
}

/** A test's flow control: the one given, or one built on the panel (or `provider`) and `reservations`. */
export interface ActivityDepsOverrides {
  provider?: PterodactylClient;
  reservations?: AllocationReservations;
  installPollMs?: number;
  flow?: ProcessFlow;
}

export function activityDeps(panel: PanelHarness, overrides: ActivityDepsOverrides = {}): ActivityDeps {
  const flow =
    overrides.flow ??
    new ProcessFlow({
      provider: overrides.provider ?? panel.client(),
      reservations: overrides.reservations ?? createReservationLedger(),
      installPollMs: overrides.installPollMs ?? 25,
      logger: silentLogger,
    });
  return activityDepsFor(flow, { logger: silentLogger });
}

/** A valid order for the seeded Paper egg (egg 1) in location 1 (two nodes). */
export function paperOrder(orderId: string, overrides: Partial<Order> = {}): Order {
  return {
    orderId,
    userId: 2,
    tier: 'standard',
    name: `order ${orderId}`,
    eggId: 1,
    environment: { SERVER_JARFILE: 'paper.jar' },
    limits: { memory: 2048, swap: 0, disk: 10_240, io: 500, cpu: 200 },
    featureLimits: { databases: 1, backups: 2, allocations: 1 },
    locationIds: [1],
    ...overrides,
  };
}

/** A server body placed directly on `allocation` (to occupy allocations or drift state behind an order's back). */
export function directServer(externalId: string, allocation: number): CreateServerBody {
  return {
    name: `direct ${externalId}`,
    user: 1,
    egg: 1,
    docker_image: 'ghcr.io/pterodactyl/yolks:java_17',
    startup: 'java -jar {{SERVER_JARFILE}}',
    environment: { SERVER_JARFILE: 'server.jar' },
    limits: { memory: 512, swap: 0, disk: 1024, io: 500, cpu: 100 },
    feature_limits: { databases: 0, allocations: 1, backups: 0 },
    external_id: externalId,
    allocation: { default: allocation },
    skip_scripts: true,
  };
}

/** The servers of order `orderId`: those carrying its own-server marker, `ownExternalId(orderId)`. */
export const serversOf = (state: SimState, orderId: string) => serversWithExternalId(state, ownExternalId(orderId));

/** The servers whose external_id is exactly `externalId` (placed directly, or by an order from before the marker). */
export const serversWithExternalId = (state: SimState, externalId: string) =>
  state.servers.filter((s) => s.external_id === externalId);

/** Requests the panel received on one route, e.g. `POST /servers` or `DELETE /servers/{id}/force`. */
export const callCount = (state: SimState, key: string): number => state.calls.byRoute[key] ?? 0;

/** Places a server carrying order `orderId`'s own-server marker on node 1's first free allocation; its ServerRef. */
export async function placeOwnServer(panel: PanelHarness, orderId: string, runScripts = false): Promise<ServerRef> {
  const free = (await panel.state()).allocations.find((a) => a.server === null && a.node === 1);
  if (!free) throw new Error('no free allocation on node 1');
  const body = { ...directServer(ownExternalId(orderId), free.id), skip_scripts: !runScripts };
  const server = await panel.client().createServer(body);
  return { orderId, serverId: server.id, externalId: ownExternalId(orderId) };
}

/** Activities on a panel that answers as the simulated one except for the calls `override` replaces. */
export const activitiesWithPanel = (
  panel: PanelHarness,
  override: Partial<PterodactylClient>,
): ProvisioningActivities => createActivities(activityDeps(panel, { provider: { ...panel.client(), ...override } }));
