import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { safeError } from '../logger';
import { HttpMetrics } from './http-metrics';
import { registerOrderGauges, type OrderGaugesOptions } from './order-gauges';
import { registerReconcileGauges } from './reconcile-gauges';
import { createRegistry } from './registry';

/** The API process's metrics: HTTP requests, and orders and task queues from Temporal visibility (on scrape). */
export interface ApiMetrics {
  registry: Registry;
  http: HttpMetrics;
}

export function createApiMetrics(options: OrderGaugesOptions & { processMetrics?: boolean }): ApiMetrics {
  const registry = createRegistry({ processMetrics: options.processMetrics, labels: { role: 'api' } });
  registerOrderGauges(registry, options);
  registerReconcileGauges(registry, options);
  return { registry, http: new HttpMetrics(registry) };
}

/** GET /metrics: the registry in Prometheus' text format. */
export function metricsHandler(registry: Registry, logger: OrderGaugesOptions['logger']): RequestHandler {
  return (_req, res) => {
    registry.metrics().then(
      (text) => {
        res.setHeader('Content-Type', registry.contentType);
        res.send(text);
      },
      (err: unknown) => {
        logger.warn({ err: safeError(err) }, 'metrics scrape failed');
        res.status(500).type('text/plain').send('metrics unavailable\n');
      },
    );
  };
}
