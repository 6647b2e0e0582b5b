import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { OPERATOR_WEBHOOK_FORMATS, type OperatorWebhookFormat } from './workflows/operator-alert-contract';
import { DEFAULT_RECONCILE_POLICY, type ReconcilePolicy } from './workflows/reconcile-contract';
import { AesGcmPayloadCodec, parseEncryptionKeys } from './codec';
import type { VariablePolicy } from './provider/validation/egg-variables';
import { ConfigError, type ConfigIssue } from './config-error';
import { loadFlowConfig, type FlowConfig } from './flow/flow-config';
import { parseApiKeys, type ApiKey } from './api/api-keys';
import { parseCallbackSecrets } from './callbacks/secrets';
import { HostAllowList } from './net/allow-list';
import { urlRefusal, withArticle } from './net/outbound-guard';
import { loadTemporalSettings, type TemporalSettings } from './temporal-connection';
import { CENSUS_INTERVAL_MS, CENSUS_MIN_INTERVAL_MS } from './workflows/census-contract';
import { DEFAULT_TASK_QUEUE } from './workflows/contract';
import { DEFAULT_BULK_PACE, type BulkPace } from './workflows/bulk-contract';
import { DEFAULT_BILLING_POLICY, type BillingPolicy } from './workflows/server-entity-contract';

export { ConfigError } from './config-error';

const port = (fallback: number) => z.coerce.number().int('must be an integer').min(0).max(65535).default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const HOUR_MS = 3_600_000;

/** Namespace retention: `36h` or `30d` (the server's minimum for a local namespace is one hour). */
const retention = z
  .string()
  .trim()
  .regex(/^\d+(h|d)$/, 'must be a duration in hours or days, such as 72h or 30d')
  .transform((v) => Number(v.slice(0, -1)) * (v.endsWith('d') ? 24 * HOUR_MS : HOUR_MS))
  .pipe(
    z
      .number()
      .min(HOUR_MS, 'must be at least 1h')
      .max(3650 * 24 * HOUR_MS, 'must be at most 3650d'),
  );

/** A billing duration: `0h`, `36h` or `14d`. */
const billingDuration = (fallbackMs: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(h|d)$/, 'must be a duration in hours or days, such as 24h or 14d')
    .transform((v) => Number(v.slice(0, -1)) * (v.endsWith('d') ? 24 * HOUR_MS : HOUR_MS))
    .pipe(z.number().max(3650 * 24 * HOUR_MS, 'must be at most 3650d'))
    .optional()
    .transform((v) => v ?? fallbackMs);

/** CALLBACK_ALLOWED_HOSTS: hostnames, `*.domain`s, IP addresses and CIDR blocks, comma-separated. */
const allowedHosts = z
  .string()
  .optional()
  .transform((text, ctx) => {
    try {
      return HostAllowList.parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** PAYLOAD_ENCRYPTION_KEY: the payload codec (src/codec); messages name key ids only, never key material. */
const encryptionKeys = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return undefined;
    try {
      return parseEncryptionKeys(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** The service's own variables; Temporal's (TEMPORAL_ADDRESS, ...) are read by temporal-connection.ts. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  PORT: port(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  API_KEYS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return [];
      try {
        return parseApiKeys(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int('must be an integer')
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
  ORDER_QUERY_TIMEOUT_MS: z.coerce.number().int('must be an integer').min(100).max(60_000).default(3000),
  MAX_INFLIGHT_PER_USER: z.coerce.number().int('must be an integer').min(1).max(100_000).default(5),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int('must be an integer').min(1).max(1_000_000).default(20),
  TEMPORAL_TASK_QUEUE: z.string().min(1).max(200).default(DEFAULT_TASK_QUEUE),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_RETENTION: retention.optional(),
  QUEUE_CENSUS_INTERVAL: z
    .string()
    .trim()
    .regex(/^\d+(s|m)$/, 'must be a duration in seconds or minutes, such as 10s or 1m')
    .transform((v) => Number(v.slice(0, -1)) * (v.endsWith('m') ? 60_000 : 1000))
    .pipe(
      z
        .number()
        .min(CENSUS_MIN_INTERVAL_MS, 'must be at least 5s')
        .max(5 * 60_000, 'must be at most 5m'),
    )
    .default(CENSUS_INTERVAL_MS),
  TEMPORAL_REGISTER_SEARCH_ATTRIBUTES: flag(true),
  GRACE_PERIOD_PREMIUM: billingDuration(DEFAULT_BILLING_POLICY.graceMs.premium),
  GRACE_PERIOD_STANDARD: billingDuration(DEFAULT_BILLING_POLICY.graceMs.standard),
  GRACE_PERIOD_FREE: billingDuration(DEFAULT_BILLING_POLICY.graceMs.free),
  BILLING_WARNING_LEAD: billingDuration(DEFAULT_BILLING_POLICY.warningLeadMs),
  RECONCILE_INTERVAL: z
    .string()
    .trim()
    .regex(/^\d+(m|h)$/, 'must be a duration in minutes or hours, such as 30m or 1h (0m turns the sweep off)')
    .transform((v) => Number(v.slice(0, -1)) * (v.endsWith('h') ? HOUR_MS : 60_000))
    .pipe(
      z
        .number()
        .refine((v) => v === 0 || v >= 5 * 60_000, 'must be 0m (off) or at least 5m')
        .refine((v) => v <= 7 * 24 * HOUR_MS, 'must be at most 168h'),
    )
    .default(HOUR_MS),
  RECONCILE_STRAYS: z.enum(['report', 'adopt', 'delete']).default(DEFAULT_RECONCILE_POLICY.strays),
  RECONCILE_DRIFT: z.enum(['report', 'correct']).default(DEFAULT_RECONCILE_POLICY.drift),
  BULK_RATE_PER_SECOND: z.coerce.number().min(0.01).max(100).default(DEFAULT_BULK_PACE.perSecond),
  BULK_CONCURRENCY: z.coerce.number().int('must be an integer').min(1).max(100).default(DEFAULT_BULK_PACE.concurrency),
  PTERODACTYL_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  PTERODACTYL_API_KEY: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SIM_PORT: port(8081),
  WORKER_NICE: z.coerce.number().int('must be an integer').min(0).max(19).default(10),
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  WORKER_METRICS_PORT: port(9464),
  WORKER_SDK_METRICS_PORT: port(9465),
  CALLBACK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CALLBACK_CONCURRENCY: z.coerce.number().int('must be an integer').min(1).max(1000).default(20),
  CALLBACK_PER_HOST_CONCURRENCY: z.coerce.number().int('must be an integer').min(1).max(100).default(4),
  CALLBACK_SECRETS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return [];
      try {
        return parseCallbackSecrets(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  CALLBACK_LEGACY_HEADERS: flag(true),
  OPERATOR_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OPERATOR_WEBHOOK_FORMAT: z.enum(OPERATOR_WEBHOOK_FORMATS).default('json'),
  CALLBACK_ALLOWED_HOSTS: allowedHosts,
  PAYLOAD_ENCRYPTION_KEY: encryptionKeys,
  CODEC_ALLOW_UNAUTHENTICATED_FROM_UI: flag(false),
  ORDER_ADMIN_VARIABLES: z.enum(['refuse', 'allow'], { error: 'must be refuse or allow' }).default('refuse'),
});

/** An OPERATOR_WEBHOOK_URL whose literal address the outbound guard would refuse, found at start, not at a parking. */
function webhookIssue(env: Record<string, string | undefined>): ConfigIssue | undefined {
  if (!env.OPERATOR_WEBHOOK_URL || !URL.canParse(env.OPERATOR_WEBHOOK_URL)) return undefined;
  let allow: HostAllowList;
  try {
    allow = HostAllowList.parse(env.CALLBACK_ALLOWED_HOSTS);
  } catch {
    return undefined; // reported on CALLBACK_ALLOWED_HOSTS
  }
  const reason = urlRefusal(new URL(env.OPERATOR_WEBHOOK_URL), allow);
  if (reason === undefined) return undefined;
  return {
    variable: 'OPERATOR_WEBHOOK_URL',
    reason: `its host is ${withArticle(reason)}; add it to CALLBACK_ALLOWED_HOSTS`,
  };
}

/** Rules across variables, checked on the raw values so they are reported together with the per-variable ones. */
function crossVariableIssues(env: Record<string, string | undefined>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (env.NODE_ENV === 'production' && !env.API_KEY && !env.API_KEYS?.trim())
    issues.push({ variable: 'API_KEY', reason: 'API_KEY or API_KEYS is required when NODE_ENV=production' });
  if (env.PTERODACTYL_URL && !env.PTERODACTYL_API_KEY) {
    issues.push({ variable: 'PTERODACTYL_API_KEY', reason: 'required when PTERODACTYL_URL is set' });
  }
  const webhook = webhookIssue(env);
  if (webhook) issues.push(webhook);
  return issues;
}

export type EnvConfig = z.output<typeof envSchema>;

export interface AppConfig {
  nodeEnv: EnvConfig['NODE_ENV'];
  port: number;
  host: string;
  /** API_KEY (an operator key named `default`), or a development key generated when neither it nor API_KEYS is set. */
  apiKey: string | undefined;
  /** True when no key was configured and a development key was generated (kept in DATA_DIR/dev-api-key, never printed). */
  apiKeyGenerated: boolean;
  /** API_KEYS: named keys with their roles. */
  apiKeys: ApiKey[];
  logLevel: EnvConfig['LOG_LEVEL'];
  maxBodyBytes: number;
  orderQueryTimeoutMs: number;
  /** AUTH_FAILURES_PER_MINUTE: failed authentications one client address may make in a minute before 429. */
  authFailuresPerMinute: number;
  /** Orders one user may have in flight (not ACTIVE, FAILED or CANCELLED) before POST /v1/orders answers 429. */
  maxInflightPerUser: number;
  taskQueue: string;
  temporal: TemporalSettings;
  /** Port of the Temporal dev server npm start runs when no TEMPORAL_ADDRESS is configured. */
  temporalPort: number;
  /** Port of that server's Temporal UI; 0 runs it without the UI. */
  temporalUiPort: number;
  /**
   * TEMPORAL_RETENTION: how long Temporal keeps closed workflows. npm start applies it (default 30 days) to the dev
   * server it runs, and to an external namespace only when set.
   */
  temporalRetention: { ms: number; explicit: boolean };
  /** QUEUE_CENSUS_INTERVAL: how often the queue census reads visibility (see census-contract.ts). */
  censusIntervalMs: number;
  registerSearchAttributes: boolean;
  pterodactyl: { url?: string; apiKey?: string };
  dataDir: string;
  simPort: number;
  /** Scheduling niceness npm start gives its worker child process, so API answers come before background work. */
  workerNice: number;
  /** TEMPORAL_UI_URL: base of the Temporal UI; orders then link to their workflow history (`links.temporalUi`). */
  temporalUiUrl?: string;
  /** Port of the worker's Prometheus /metrics (on HOST); 0 turns it off. */
  workerMetricsPort: number;
  /** Port of the Temporal SDK's own Prometheus exporter in the worker (on HOST); 0 turns it off. */
  workerSdkMetricsPort: number;
  /** Provider budget, tier waits and install checks (PROVIDER_RATE_*, QUEUE_MAX_WAIT_*, CAPACITY_WAIT_*; see docs/flow-control.md). */
  flow: FlowConfig;
  /**
   * CALLBACK_SECRETS: Standard Webhooks secrets (`whsec_<base64>`, newest first); workers sign every callback with
   * each of them. The API refuses orders with a callbackUrl while neither it nor CALLBACK_SECRET is set.
   */
  callbackSecrets: string[];
  /**
   * CALLBACK_SECRET (legacy, raw): signs the legacy X-* headers, and signs per Standard Webhooks as the oldest key
   * (its UTF-8 bytes; see docs/callbacks.md).
   */
  callbackSecret?: string;
  /** CALLBACK_CONCURRENCY and CALLBACK_PER_HOST_CONCURRENCY: deliveries per worker process, and per receiver host. */
  callbacks: { concurrency: number; perHost: number };
  /** CALLBACK_LEGACY_HEADERS: send X-Signature, X-Timestamp, X-Event-Id too; default true (false next release). */
  callbackLegacyHeaders: boolean;
  /** OPERATOR_WEBHOOK_URL (optional) and OPERATOR_WEBHOOK_FORMAT (json|discord): parked orders are announced there. */
  operatorWebhook: { url?: string; format: OperatorWebhookFormat };
  /**
   * CALLBACK_ALLOWED_HOSTS: the non-public hosts and addresses callbacks and the operator webhook may reach anyway
   * (see src/net/outbound-guard.ts and docs/callbacks.md); empty by default: public addresses only.
   */
  callbackAllowedHosts: HostAllowList;
  /** GRACE_PERIOD_PREMIUM, _STANDARD, _FREE and BILLING_WARNING_LEAD: how overdue notices are resolved. */
  billing: BillingPolicy;
  /** BULK_RATE_PER_SECOND and BULK_CONCURRENCY: how fast a bulk action acts on its targets. */
  bulkPace: BulkPace;
  /**
   * RECONCILE_INTERVAL (default 1h; 0m pauses it), RECONCILE_STRAYS (report|adopt|delete) and RECONCILE_DRIFT
   * (report|correct): the reconciliation sweep's Schedule and what it does with what it finds.
   */
  reconcile: { intervalMs: number; policy: ReconcilePolicy };
  /**
   * PAYLOAD_ENCRYPTION_KEY: encrypts every payload (order input, activity arguments, results) before it reaches
   * Temporal; every client and worker takes it as its data converter. Unset: payloads are plain JSON, as before.
   */
  payloadCodec?: AesGcmPayloadCodec;
  /** CODEC_ALLOW_UNAUTHENTICATED_FROM_UI: the API's /codec/decode answers the Temporal UI's origin without a key. */
  codecAllowUnauthenticatedFromUi: boolean;
  /**
   * ORDER_ADMIN_VARIABLES (refuse|allow): whether orders may set egg variables the egg does not mark user-editable;
   * refused by default (docs/security.md).
   */
  orderVariables: VariablePolicy;
}

export const DEFAULT_RETENTION_MS = 30 * 24 * HOUR_MS;

/** Parses the environment once; throws ConfigError naming each bad variable and the reason (never the value). */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), reason: i.message }));
  issues.push(...crossVariableIssues(present));
  const flow = loadFlowConfig(present);
  issues.push(...flow.issues);
  let temporal: TemporalSettings | undefined;
  try {
    temporal = loadTemporalSettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  if (!parsed.success || !temporal || !flow.config || issues.length) throw new ConfigError(issues);
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    apiKey: e.API_KEY ?? (e.API_KEYS.length ? undefined : `dev-${randomBytes(24).toString('base64url')}`),
    apiKeyGenerated: !e.API_KEY && !e.API_KEYS.length,
    apiKeys: e.API_KEYS,
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    orderQueryTimeoutMs: e.ORDER_QUERY_TIMEOUT_MS,
    maxInflightPerUser: e.MAX_INFLIGHT_PER_USER,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    temporal,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    censusIntervalMs: e.QUEUE_CENSUS_INTERVAL,
    temporalRetention: {
      ms: e.TEMPORAL_RETENTION ?? DEFAULT_RETENTION_MS,
      explicit: e.TEMPORAL_RETENTION !== undefined,
    },
    registerSearchAttributes: e.TEMPORAL_REGISTER_SEARCH_ATTRIBUTES,
    pterodactyl: { url: e.PTERODACTYL_URL, apiKey: e.PTERODACTYL_API_KEY },
    dataDir: path.resolve(e.DATA_DIR),
    simPort: e.SIM_PORT,
    workerNice: e.WORKER_NICE,
    temporalUiUrl: e.TEMPORAL_UI_URL,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workerSdkMetricsPort: e.WORKER_SDK_METRICS_PORT,
    flow: flow.config,
    callbackSecrets: e.CALLBACK_SECRETS,
    callbackSecret: e.CALLBACK_SECRET,
    callbacks: { concurrency: e.CALLBACK_CONCURRENCY, perHost: e.CALLBACK_PER_HOST_CONCURRENCY },
    callbackLegacyHeaders: e.CALLBACK_LEGACY_HEADERS,
    operatorWebhook: { url: e.OPERATOR_WEBHOOK_URL, format: e.OPERATOR_WEBHOOK_FORMAT },
    callbackAllowedHosts: e.CALLBACK_ALLOWED_HOSTS,
    billing: {
      graceMs: { premium: e.GRACE_PERIOD_PREMIUM, standard: e.GRACE_PERIOD_STANDARD, free: e.GRACE_PERIOD_FREE },
      warningLeadMs: e.BILLING_WARNING_LEAD,
    },
    bulkPace: { perSecond: e.BULK_RATE_PER_SECOND, concurrency: e.BULK_CONCURRENCY },
    reconcile: {
      intervalMs: e.RECONCILE_INTERVAL,
      policy: { strays: e.RECONCILE_STRAYS, drift: e.RECONCILE_DRIFT },
    },
    payloadCodec: e.PAYLOAD_ENCRYPTION_KEY ? new AesGcmPayloadCodec(e.PAYLOAD_ENCRYPTION_KEY) : undefined,
    codecAllowUnauthenticatedFromUi: e.CODEC_ALLOW_UNAUTHENTICATED_FROM_UI,
    orderVariables: { allowAdminOnly: e.ORDER_ADMIN_VARIABLES === 'allow' },
  };
}
