import type { z } from 'zod';
import { ProviderContractError, errorFromResponse, errorFromTransport } from './errors';
import { readRateLimit, type RateLimitInfo } from './rate-limit';

/** The subset of a pino logger the client uses. */
export interface ProviderLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface HttpOptions {
  /** Panel root, e.g. `https://panel.example.com`; `/api/application` is appended. */
  baseUrl: string;
  apiKey: string;
  /** Per-request budget covering connect, headers and body; default 10 000 ms. */
  timeoutMs?: number;
  /** Called after every response that carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`. */
  onRateLimit?: (info: RateLimitInfo) => void;
  logger?: ProviderLogger;
}

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export interface Http {
  json<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T>;
  noContent(spec: RequestSpec): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

function buildUrl(root: string, spec: RequestSpec): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(spec.query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(`${key}[]`, String(v));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return `${root}${spec.path}${qs ? `?${qs}` : ''}`;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The request core: auth, timeout, rate-limit headers, error mapping. Never logs or echoes the API key. */
export function createHttp(options: HttpOptions): Http {
  const root = `${new URL(options.baseUrl).toString().replace(/\/+$/, '')}/api/application`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const key = options.apiKey;
  if (!/^[\x21-\x7e]+$/.test(key)) throw new Error('Pterodactyl API key is empty or contains invalid characters');
  if (!(timeoutMs > 0)) throw new Error('timeoutMs must be a positive number');
  const redact = (text: string): string => (key.length >= 4 ? text.split(key).join('[redacted]') : text);

  function reportRateLimit(headers: Headers): void {
    const info = options.onRateLimit && readRateLimit(headers);
    if (!info) return;
    try {
      options.onRateLimit?.(info);
    } catch (err) {
      options.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'onRateLimit callback threw');
    }
  }

  async function send(spec: RequestSpec): Promise<{ status: number; body: unknown; text: string }> {
    const req = { method: spec.method, path: spec.path };
    const started = Date.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(buildUrl(root, spec), {
        method: spec.method,
        headers: {
          Authorization: `Bearer ${key}`,
          Accept: 'application/json',
          ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const error = errorFromTransport(req, err, timeoutMs, redact);
      options.logger?.debug({ ...req, kind: error.kind, ms: Date.now() - started }, 'pterodactyl request failed');
      throw error;
    }
    options.logger?.debug({ ...req, status: res.status, ms: Date.now() - started }, 'pterodactyl request');
    reportRateLimit(res.headers);
    const body = parseJson(text);
    if (!res.ok) {
      throw errorFromResponse(
        req,
        { status: res.status, statusText: res.statusText, headers: res.headers, body },
        redact,
      );
    }
    return { status: res.status, body, text };
  }

  return {
    async json<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T> {
      const { status, body, text } = await send(spec);
      const contract = (issues: string[]) =>
        new ProviderContractError({ method: spec.method, path: spec.path, status, issues });
      if (body === undefined) throw contract([text.trim() === '' ? 'empty body' : 'body is not JSON']);
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        throw contract(parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
      }
      return parsed.data;
    },
    async noContent(spec: RequestSpec): Promise<void> {
      await send(spec);
    },
  };
}
