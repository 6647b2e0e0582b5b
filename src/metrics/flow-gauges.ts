import { Gauge, type Registry } from 'prom-client';
import type { ProcessFlow } from '../flow/process-flow';
import type { BreakerState } from '../workflows/flow-contract';
import { METRIC_PREFIX } from './registry';

/** What the flow gauges read: the process's flow control and, when running, its provider worker. */
export interface FlowSource {
  flow: ProcessFlow;
  provider?: { readonly ratePerMinute: number | undefined };
}

/** circuit_breaker_state values. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** Gauges read from the flow control on scrape; 0 (no breakers) while there is no source or no value yet. */
export function registerFlowGauges(registry: Registry, source: () => FlowSource | undefined): void {
  const registers = [registry];
  const m = METRIC_PREFIX;
  const simple = (name: string, help: string, read: (s: FlowSource) => number | undefined) =>
    new Gauge({
      name: `${m}${name}`,
      help,
      registers,
      collect() {
        const s = source();
        const value = s && read(s);
        if (value === undefined || !Number.isFinite(value)) this.reset();
        else this.set(value);
      },
    });
  simple(
    'provider_budget_per_minute',
    'Panel requests per minute the API key allows all worker processes together: PROVIDER_RATE_LIMIT x (1 - PROVIDER_RATE_RESERVE)',
    (s) => s.flow.rate.max,
  );
  simple(
    'provider_rate_per_minute',
    'Panel requests per minute the adaptive budget allows now (lower after 429s)',
    (s) => s.flow.rate.rateAt(),
  );
  simple(
    'provider_task_rate_per_minute',
    "Dispatch rate of the provider task queue this process's worker runs at (tasks per minute)",
    (s) => s.provider?.ratePerMinute,
  );
  simple(
    'provider_calls_last_minute',
    'Panel requests this process made in the last 60 s',
    (s) => s.flow.meter.lastMinute().calls,
  );
  simple(
    'provider_budget_used_ratio',
    "This process's panel requests in the last 60 s divided by provider_budget_per_minute",
    (s) => s.flow.meter.lastMinute().calls / s.flow.rate.max,
  );
  simple('install_watches', 'Servers whose installation this process follows now', (s) => s.flow.watcher.watching);
  simple(
    'allocation_reservations',
    'Allocations this process holds for orders in flight',
    (s) => s.flow.reservations.list().length,
  );
  new Gauge({
    name: `${m}circuit_breaker_state`,
    help: 'Circuit breaker state: 0 closed, 1 half-open (probing), 2 open; scope panel or node',
    labelNames: ['scope', 'node'],
    registers,
    collect() {
      this.reset();
      for (const b of source()?.flow.breakers.views() ?? []) {
        this.set({ scope: b.scope, node: b.nodeId === null ? '' : String(b.nodeId) }, BREAKER_STATE_VALUE[b.state]);
      }
    },
  });
}
