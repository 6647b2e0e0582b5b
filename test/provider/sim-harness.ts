import { startSimPanel, type FaultInput, type NodeInput, type RunningSimPanel } from '../../sim/src';
import {
  createPterodactylClient,
  type CreateServerBody,
  type PterodactylClient,
  type PterodactylClientOptions,
} from '../../src/provider';

export const SIM_KEY = 'ptla_simIntegrationKey42abcdef';

export interface SimHarness {
  sim: RunningSimPanel;
  client(options?: Partial<PterodactylClientOptions>): PterodactylClient;
  faults(input: FaultInput): Promise<void>;
  reset(): Promise<void>;
  addNode(input: NodeInput): Promise<number>;
}

async function control(sim: RunningSimPanel, path: string, body?: object): Promise<unknown> {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!res.ok) throw new Error(`sim control ${path} failed: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

export async function startHarness(): Promise<SimHarness> {
  const sim = await startSimPanel({
    apiKey: SIM_KEY,
    port: 0,
    installMs: 50,
    rateLimitPerMinute: 100_000,
    hangMs: 5_000,
    seed: 3,
  });
  return {
    sim,
    client: (options = {}) => createPterodactylClient({ baseUrl: sim.url, apiKey: SIM_KEY, ...options }),
    faults: async (input) => {
      await control(sim, '/faults', { installMs: 50, rateLimitPerMinute: 100_000, ...input });
    },
    reset: async () => {
      await control(sim, '/reset');
      await control(sim, '/faults', { installMs: 50, rateLimitPerMinute: 100_000, seed: 3 });
    },
    addNode: async (input) => ((await control(sim, '/nodes', input)) as { attributes: { id: number } }).attributes.id,
  };
}

/** A valid body for the seeded Paper egg (egg 1), on allocation `allocation` unless `overrides` say otherwise. */
export function paperServer(
  externalId: string,
  allocation: number,
  overrides: Partial<CreateServerBody> = {},
): CreateServerBody {
  return {
    name: `server ${externalId}`,
    user: 1,
    egg: 1,
    docker_image: 'ghcr.io/pterodactyl/yolks:java_17',
    startup: 'java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}',
    environment: { SERVER_JARFILE: 'server.jar' },
    limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 },
    feature_limits: { databases: 0, allocations: 1, backups: 0 },
    external_id: externalId,
    allocation: { default: allocation },
    ...overrides,
  } as CreateServerBody;
}

export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}
