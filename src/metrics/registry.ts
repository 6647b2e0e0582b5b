import { Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric of the service starts with this. */
export const METRIC_PREFIX = 'server_queue_';

export interface RegistryOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC; prom-client's default set); default true. */
  processMetrics?: boolean;
  /** Labels on every metric of the registry (e.g. `{ role: 'worker' }`). */
  labels?: Record<string, string>;
}

/** A fresh registry for one process role: nothing is registered in prom-client's global default registry. */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Seconds since `startedNs` (process.hrtime.bigint()). */
export const secondsSince = (startedNs: bigint): number => Number(process.hrtime.bigint() - startedNs) / 1e9;
