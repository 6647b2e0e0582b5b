import express from 'express';
import type { SimContext } from './context';
import { createFaultController } from './faults';
import { ApiKeyRegistry, authorizeResource } from './http/api-keys';
import { apiErrorHandler, apiNotFound } from './http/errors';
import { authenticate, chaos, latency, outageGate, recordCalls } from './http/gates';
import { PendingRegistry } from './http/pending';
import { createRateLimiter } from './http/rate-limit';
import type { SimPanelOptions } from './options';
import { simPanelOptionsSchema } from './options';
import { createRng } from './rng';
import { catalogRoutes } from './routes/catalog';
import { nodeRoutes } from './routes/nodes';
import { serverRoutes } from './routes/servers';
import type { SimState } from './routes/sim-control';
import { simControlRoutes, simState } from './routes/sim-control';
import { createCallRecorder } from './stats';
import { AllocationStore } from './store/allocations';
import { CatalogStore } from './store/catalog';
import { openDatabase } from './store/database';
import { ServerStore } from './store/servers';

/** A simulated Pterodactyl panel: the express app plus direct access to its state for tests. */
export interface SimPanel {
  app: express.Express;
  context: SimContext;
  /** Same document as `GET /_sim/state`. */
  state(): SimState;
  /** Ends held (timed-out) requests and closes the database. */
  close(): void;
}

export interface SimPanelHooks {
  now?: () => number;
  reportUnexpected?: (error: unknown) => void;
}

/** Builds the panel: Application API under `/api/application`, simulation control under `/_sim`. */
export function createSimPanel(options: SimPanelOptions, hooks: SimPanelHooks = {}): SimPanel {
  const resolved = simPanelOptionsSchema.parse(options);
  const now = hooks.now ?? Date.now;
  const db = openDatabase(resolved.dataDir, now());
  const random = createRng(resolved.seed);
  const context: SimContext = {
    options: resolved,
    db,
    keys: new ApiKeyRegistry(resolved.apiKey, resolved.apiKeys),
    catalog: new CatalogStore(db),
    allocations: new AllocationStore(db),
    servers: new ServerStore(db),
    faults: createFaultController(resolved, random),
    random,
    calls: createCallRecorder(),
    now,
    reportUnexpected: hooks.reportUnexpected ?? (() => undefined),
  };
  const pending = new PendingRegistry();
  const limiter = createRateLimiter(context);

  const api = express.Router();
  api.use(
    recordCalls(context),
    outageGate(context),
    latency(context, pending),
    authenticate(context.keys),
    limiter.middleware,
    authorizeResource(),
    chaos(context, pending),
    express.json({ limit: '1mb' }),
  );
  api.use((_req, _res, next) => {
    context.servers.settleInstalls(context.now());
    next();
  });
  api.use(catalogRoutes(context), nodeRoutes(context), serverRoutes(context, pending));
  api.use(apiNotFound);
  api.use(apiErrorHandler(context.reportUnexpected));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/_sim', simControlRoutes(context, limiter.reset));
  app.use('/api/application', api);

  return {
    app,
    context,
    state: () => simState(context),
    close() {
      pending.closeAll();
      if (db.open) db.close();
    },
  };
}
