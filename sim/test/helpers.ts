import request from 'supertest';
import type { SimPanel, SimPanelOptions } from '../src';
import { createSimPanel } from '../src';

export const API_KEY = 'ptla_simtestkey0123456789';
export const BASE = '/api/application';

/** A controllable clock for deterministic install and rate-limit timing. */
export class FakeClock {
  constructor(public ms = Date.UTC(2025, 0, 1, 12, 0, 0)) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function newPanel(options: Partial<SimPanelOptions> = {}, clock?: FakeClock): SimPanel {
  return createSimPanel(
    { apiKey: API_KEY, installMs: 1000, rateLimitPerMinute: 100_000, seed: 7, ...options },
    clock ? { now: clock.now } : {},
  );
}

/** Authenticated Application API calls against the panel's express app. */
export function api(panel: SimPanel) {
  const auth = (test: request.Test) => test.set('Authorization', `Bearer ${API_KEY}`).set('Accept', 'application/json');
  return {
    get: (path: string) => auth(request(panel.app).get(`${BASE}${path}`)),
    post: (path: string, body?: object) => auth(request(panel.app).post(`${BASE}${path}`)).send(body ?? {}),
    patch: (path: string, body: object) => auth(request(panel.app).patch(`${BASE}${path}`)).send(body),
    delete: (path: string) => auth(request(panel.app).delete(`${BASE}${path}`)),
  };
}

/** A valid POST /servers body for egg 1 (Paper) on allocation 1 unless overridden. */
export function serverBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Test server',
    user: 1,
    egg: 1,
    docker_image: 'ghcr.io/pterodactyl/yolks:java_17',
    startup: 'java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}',
    environment: { SERVER_JARFILE: 'server.jar' },
    limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 },
    feature_limits: { databases: 0, allocations: 1, backups: 0 },
    allocation: { default: 1 },
    ...overrides,
  };
}

export interface PanelErrorBody {
  errors: Array<{ code: string; status: string; detail: string; meta?: { source_field: string; rule: string } }>;
}

export function errorFields(body: PanelErrorBody): Array<[string | undefined, string | undefined]> {
  return body.errors.map((e) => [e.meta?.source_field, e.meta?.rule]);
}

/** Polls `probe` until it returns true; fails after `timeoutMs`. */
export async function waitUntil(probe: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
