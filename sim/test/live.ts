import type { RunningSimPanel, SimState } from '../src';
import { startSimPanel } from '../src';
import { API_KEY, BASE } from './helpers';

export interface ErrorsBody {
  errors: Array<{ code: string; status: string; detail: string }>;
}
export interface SimErrorBody {
  error: { code: string; message: string; details: Array<{ field: string; reason: string }> };
}
export interface ItemBody {
  object: string;
  attributes: { id: number; status: string | null } & Record<string, unknown>;
}
export interface ListBody {
  data: ItemBody[];
  meta: { pagination: { total: number } };
}

export async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

/** A listening panel driven over real HTTP (needed for hanging requests and latency). */
export interface LivePanel {
  sim: RunningSimPanel;
  call(method: string, path: string, body?: object, timeoutMs?: number): Promise<Response>;
  control(path: string, body?: object): Promise<Response>;
  setFaults(faults: object): Promise<Response>;
  state(): Promise<SimState>;
}

export async function startLive(options: { installMs?: number; seed?: number } = {}): Promise<LivePanel> {
  const sim = await startSimPanel({ apiKey: API_KEY, rateLimitPerMinute: 100_000, ...options });
  const control = (path: string, body?: object) =>
    fetch(`${sim.url}/_sim${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  return {
    sim,
    call: (method, path, body, timeoutMs = 5000) =>
      fetch(`${sim.url}${BASE}${path}`, {
        method,
        headers: { Authorization: `Bearer ${API_KEY}`, Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      }),
    control,
    setFaults: (faults) => control('/faults', faults),
    state: async () => json<SimState>(fetch(`${sim.url}/_sim/state`)),
  };
}
