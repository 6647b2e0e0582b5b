import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { createApiMetrics, metricsHandler, type ApiMetrics } from '../metrics/api-metrics';
import { errorHandler } from './errors';
import { unknownRoute } from './method-not-allowed';
import { authenticate, requireRole, type FailedAuthLimit } from './middleware/auth';
import { ApiKeyRing, type ApiKey } from './api-keys';
import { requestLog } from './middleware/request-log';
import { DEFAULT_FLOW_POLICY, type FlowPolicy } from '../workflows/flow-contract';
import type { HostAllowList } from '../net/allow-list';
import { Admission } from './admission';
import { QueueFigures } from './queue-figures';
import { QueueHistory } from './queue-history';
import { startHistorySampler } from './history-sampler';
import { onAppClose } from './close-hooks';
import { dashboardRouter } from './routes/dashboard';
import { docsRouter } from './routes/docs';
import { openApiDocument } from './openapi/document';
import type { OrdersDeps } from './order-queries';
import { actionsRouter } from './routes/actions';
import { codecRouter } from './routes/codec';
import { healthRouter } from './routes/health';
import { historyRouter } from './routes/history';
import { operationsRouter } from './routes/operations';
import { ordersRouter } from './routes/orders';
import { queueRouter } from './routes/queue';
import { queueHistoryRouter } from './routes/queue-history';
import { serversRouter } from './routes/servers';
import { bulkRouter } from './routes/bulk';
import { reconciliationRouter } from './routes/reconciliation';
import { DEFAULT_BULK_PACE, type BulkPace } from '../workflows/bulk-contract';
import { DEFAULT_BILLING_POLICY, type BillingPolicy } from '../workflows/server-entity-contract';
import { EggRules } from './egg-rules';
import type { VariablePolicy } from '../provider/validation/egg-variables';

export interface ApiDeps {
  /** Temporal client for the namespace the orders live in. */
  client: Client;
  /** Task queue the order workflows are started on (the worker must poll it). */
  taskQueue: string;
  /** API_KEY: a key with the operator role, named `default`. */
  apiKey?: string;
  /** API_KEYS: named keys with their roles (see api-keys.ts); at least one key, here or in `apiKey`. */
  apiKeys?: ApiKey[];
  /** Failed authentications per client address before 429; default 20 a minute. */
  failedAuthLimit?: FailedAuthLimit;
  logger: Logger;
  /** Largest accepted JSON body (413 beyond); default 64 KiB. */
  maxBodyBytes?: number;
  /** How long GET /v1/orders/:id waits for the workflow's state query; default 3 s. */
  queryTimeoutMs?: number;
  /** Deadline of the Temporal check behind /readyz; default 2 s. */
  readinessTimeoutMs?: number;
  /** MAX_INFLIGHT_PER_USER: orders one user may have in flight before POST /v1/orders answers 429; default 5. */
  maxInflightPerUser?: number;
  /** The workers' tier policy (QUEUE_MAX_WAIT_*), for queue positions; default DEFAULT_FLOW_POLICY. */
  flowPolicy?: FlowPolicy;
  /** Metrics served on GET /metrics (any API key); built for this app when omitted. */
  metrics?: ApiMetrics;
  /** Queue figures (census, provider budget), shared with the metrics; built for this app when omitted. */
  queueFigures?: QueueFigures;
  /** The last hour of queue figures (GET /v1/queue/history); built and sampled in the background when omitted. */
  queueHistory?: QueueHistory;
  /** TEMPORAL_UI_URL: adds `links.temporalUi` (the order's history in the Temporal UI) to orders. */
  temporalUiUrl?: string;
  /** Whether this process's API worker (admission and census, src/worker/api-worker.ts) runs; /readyz reports it. */
  apiWorkerReady?: () => boolean;
  /** Whether CALLBACK_SECRETS or CALLBACK_SECRET is set (the workers sign callbacks with them); without it, orders with a callbackUrl get 400. */
  callbacksConfigured?: boolean;
  /** CALLBACK_ALLOWED_HOSTS: a callbackUrl at a literal non-public address is refused (400) unless listed here. */
  callbackAllowedHosts?: HostAllowList;
  /**
   * PAYLOAD_ENCRYPTION_KEY's codec: serves POST /codec/decode and /codec/encode (the Temporal UI's remote codec) to
   * operator keys, with CORS for the origin of `temporalUiUrl`. Unset: no /codec routes.
   */
  payloadCodec?: PayloadCodec;
  /** CODEC_ALLOW_UNAUTHENTICATED_FROM_UI: /codec/decode answers the UI's origin without a key (see routes/codec.ts). */
  codecUiWithoutKey?: boolean;
  /** ORDER_ADMIN_VARIABLES: whether orders may set egg variables that are not user-editable; default no. */
  orderVariables?: VariablePolicy;
  /** The egg rules orders are checked against; built for this app (reading the flow-control workflow) when omitted. */
  eggRules?: EggRules;
  /** GRACE_PERIOD_* and BILLING_WARNING_LEAD; the defaults otherwise. */
  billing?: BillingPolicy;
  /** BULK_RATE_PER_SECOND and BULK_CONCURRENCY; the defaults otherwise. */
  bulkPace?: BulkPace;
}

/** Largest body of a /codec request: a page of the UI's history may carry many payloads. */
const CODEC_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The HTTP API as an Express app (no `listen`: see src/api/server.ts, whose `close` runs the app's close hooks). */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const figures = deps.queueFigures ?? new QueueFigures(deps.client, deps.taskQueue, deps.flowPolicy, deps.logger);
  const metrics =
    deps.metrics ??
    createApiMetrics({
      client: deps.client,
      taskQueue: deps.taskQueue,
      flowPolicy: deps.flowPolicy,
      logger: deps.logger,
      census: figures.census,
    });
  app.use(metrics.http.middleware());
  app.use(requestLog(deps.logger));
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(healthRouter(deps.client, deps.readinessTimeoutMs ?? 2000, deps.apiWorkerReady));
  const keys = [
    ...(deps.apiKeys ?? []),
    ...(deps.apiKey ? [{ name: 'default', role: 'operator' as const, secret: deps.apiKey }] : []),
  ];
  const authenticated = authenticate(new ApiKeyRing(keys), deps.failedAuthLimit);
  app.get('/metrics', ...authenticated, metricsHandler(metrics.registry, deps.logger));
  if (deps.payloadCodec) {
    const uiOrigin = deps.temporalUiUrl ? new URL(deps.temporalUiUrl).origin : undefined;
    app.use(
      '/codec',
      codecRouter({
        codec: deps.payloadCodec,
        authenticated,
        uiOrigin,
        maxBodyBytes: CODEC_MAX_BODY_BYTES,
        uiWithoutKey: deps.codecUiWithoutKey,
      }),
    );
  }
  app.use(dashboardRouter());
  const document = openApiDocument({ codec: deps.payloadCodec !== undefined });
  app.use(docsRouter(document));
  app.use('/v1', ...authenticated, requireRole);
  const { client, taskQueue, logger } = deps;
  const queryTimeoutMs = deps.queryTimeoutMs ?? 3000;
  const maxInflightPerUser = deps.maxInflightPerUser ?? 5;
  const eggRules =
    deps.eggRules ??
    new EggRules({ client, taskQueue, logger, policy: deps.orderVariables ?? { allowAdminOnly: false } });
  void eggRules.refresh();
  onAppClose(app, () => eggRules.close());
  const ordersDeps: OrdersDeps = {
    client,
    taskQueue,
    logger,
    queryTimeoutMs,
    queuePlace: (order) => figures.place(order),
    admission: new Admission({
      client,
      taskQueue,
      limit: maxInflightPerUser,
      turnaroundMs: () => figures.turnaroundMs(),
    }),
    flowPolicy: deps.flowPolicy ?? DEFAULT_FLOW_POLICY,
    temporalUiUrl: deps.temporalUiUrl,
    callbacksConfigured: deps.callbacksConfigured ?? false,
    callbackAllowedHosts: deps.callbackAllowedHosts,
    eggRules,
  };
  app.use('/v1/orders', ordersRouter(ordersDeps, deps.maxBodyBytes ?? 64 * 1024));
  app.use('/v1/orders', actionsRouter(ordersDeps, deps.maxBodyBytes ?? 64 * 1024));
  app.use(
    '/v1/orders',
    operationsRouter({ client, taskQueue, logger, queryTimeoutMs }, deps.maxBodyBytes ?? 64 * 1024),
  );
  app.use('/v1/orders', historyRouter(client));
  app.use(
    '/v1/servers',
    serversRouter(
      { client, taskQueue, logger, queryTimeoutMs, billing: deps.billing ?? DEFAULT_BILLING_POLICY },
      deps.maxBodyBytes ?? 64 * 1024,
    ),
  );
  app.use(
    '/v1/bulk',
    bulkRouter(
      { client, taskQueue, logger, queryTimeoutMs, pace: deps.bulkPace ?? DEFAULT_BULK_PACE },
      deps.maxBodyBytes ?? 64 * 1024,
    ),
  );
  app.use('/v1/reconciliation', reconciliationRouter({ client, taskQueue }));
  let history = deps.queueHistory;
  if (!history) {
    history = new QueueHistory();
    const sampler = startHistorySampler({ client, taskQueue, logger, figures, history, queryTimeoutMs });
    onAppClose(app, () => sampler.stop());
  }
  app.use('/v1/queue', queueHistoryRouter(history));
  app.use('/v1/queue', queueRouter({ client, taskQueue, logger, queryTimeoutMs, maxInflightPerUser, figures }));
  app.use(unknownRoute(document.paths));
  app.use(errorHandler(deps.logger));
  return app;
}
