import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX, secondsSince } from './registry';

/** Request-time buckets (seconds): the API answers in milliseconds; order reads may wait for a workflow query. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = 'method' | 'route' | 'status';

/** HTTP requests of the API by route pattern (`/v1/orders/:id`, never the raw path) and status. */
export class HttpMetrics {
  readonly requests: Counter<Labels>;
  readonly duration: Histogram<Labels>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: `${METRIC_PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    });
  }

  /** Express middleware: install before the routes. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      const route = trackRoute(req);
      res.on('finish', () => {
        const labels = { method: req.method, route: route(), status: String(res.statusCode) };
        this.requests.inc(labels);
        this.duration.observe(labels, secondsSince(started));
      });
      next();
    };
  }
}

/**
 * The pattern of the route that handled the request under its router's mount path (`/v1/orders/:id`), noted when
 * Express matches it (the mount path is gone once an error leaves the router); `unmatched` for 404s and requests
 * refused before routing.
 */
function trackRoute(req: Request): () => string {
  let current: unknown;
  let pattern = 'unmatched';
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: { path?: unknown } | undefined) => {
      current = value;
      if (typeof value?.path === 'string') pattern = normalise(`${req.baseUrl}${value.path}`);
    },
  });
  return () => pattern;
}

const normalise = (path: string): string => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
