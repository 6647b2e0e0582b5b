import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { errorHandler, unknownRoute } from './errors';
import { requireApiKey } from './middleware/auth';
import { requestLog } from './middleware/request-log';
import { healthRouter } from './routes/health';
import { ordersRouter } from './routes/orders';

export interface ApiDeps {
  /** Temporal client for the namespace the orders live in. */
  client: Client;
  /** Task queue the order workflows are started on (the worker must poll it). */
  taskQueue: string;
  /** Bearer key every /v1 request must carry. */
  apiKey: string;
  logger: Logger;
  /** Largest accepted JSON body (413 beyond); default 64 KiB. */
  maxBodyBytes?: number;
  /** How long GET /v1/orders/:id waits for the workflow's state query; default 3 s. */
  queryTimeoutMs?: number;
  /** Deadline of the Temporal check behind /readyz; default 2 s. */
  readinessTimeoutMs?: number;
}

/** The HTTP API as an Express app (no `listen`: see src/api/server.ts). */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requestLog(deps.logger));
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(healthRouter(deps.client, deps.readinessTimeoutMs ?? 2000));
  app.use('/v1', requireApiKey(deps.apiKey));
  app.use('/v1/orders', ordersRouter({
    client: deps.client,
    taskQueue: deps.taskQueue,
    logger: deps.logger,
    queryTimeoutMs: deps.queryTimeoutMs ?? 3000,
  }, deps.maxBodyBytes ?? 64 * 1024));
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
