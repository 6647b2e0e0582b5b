import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { reconcileStatus, type ReconcileStatus } from '../temporal-reconcile';
import { Cached } from './cached';
import { METRIC_PREFIX } from './registry';

const KINDS = ['strays', 'lost', 'drift'] as const;

/**
 * The newest reconciliation sweep's findings and age, read on scrape from its Schedule (describe and the sweep's
 * result: no visibility), at most once a minute.
 */
export function registerReconcileGauges(registry: Registry, options: { client: Client; taskQueue: string }): void {
  const status = new Cached<ReconcileStatus>(() => reconcileStatus(options.client, options.taskQueue), 60_000);
  const last = async () => (await status.get().catch(() => undefined))?.value.last ?? null;
  new Gauge({
    name: `${METRIC_PREFIX}reconcile_findings`,
    help: 'What the newest reconciliation sweep found: strays (our marker, no entity), lost (entity, no server) and drift',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const report = await last();
      this.reset();
      if (report) for (const kind of KINDS) this.set({ kind }, report.counts[kind]);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}reconcile_last_finished_timestamp_seconds`,
    help: 'When the newest reconciliation sweep finished (absent before the first)',
    registers: [registry],
    async collect() {
      const report = await last();
      this.reset();
      if (report) this.set(Date.parse(report.finishedAt) / 1000);
    },
  });
}
