import { z } from 'zod';
import { parseRetryAfterMs } from './rate-limit';

/**
 * What went wrong, from the caller's point of view.
 * - `validation` (422), `bad_request` (400 DisplayException, other 4xx), `no_capacity` (400 NoViable*Exception),
 *   `auth` (401/403, alert an operator), `not_found` (404), `contract` (a response we cannot read): permanent.
 * - `allocation_taken` (422 on `allocation.*` only): permanent for this request, re-plan with another allocation.
 * - `conflict` (409), `rate_limited` (429, see `retryAfterMs`), `unavailable` (5xx, network), `timeout`: retryable.
 */
export type ProviderErrorKind =
  | 'validation'
  | 'allocation_taken'
  | 'auth'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'no_capacity'
  | 'unavailable'
  | 'timeout'
  | 'bad_request'
  | 'contract';

/** One entry of a Pterodactyl error body (`errors[]`). */
export interface PanelErrorEntry {
  code?: string;
  detail?: string;
  sourceField?: string;
  rule?: string;
}

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  retryable: boolean;
  method: string;
  path: string;
  detail: string;
  status?: number;
  code?: string;
  retryAfterMs?: number;
  fields?: string[];
  errors?: PanelErrorEntry[];
}

/** Every failure of the Pterodactyl client. Messages and fields never contain the API key. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly method: string;
  readonly path: string;
  readonly detail: string;
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly fields?: string[];
  readonly errors: PanelErrorEntry[];

  constructor(init: ProviderErrorInit) {
    const what = [init.status, init.code].filter((v) => v !== undefined).join(' ');
    super(`Pterodactyl ${init.method} ${init.path} failed (${what || init.kind}): ${init.detail}`);
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.method = init.method;
    this.path = init.path;
    this.detail = init.detail;
    this.status = init.status;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
    this.fields = init.fields;
    this.errors = init.errors ?? [];
  }
}

/** A response that does not match the documented shape: a provider fault, not retried (the same answer would come back). */
export class ProviderContractError extends ProviderError {
  readonly issues: string[];

  constructor(init: { method: string; path: string; status: number; issues: string[] }) {
    super({ ...init, kind: 'contract', retryable: false, detail: `unexpected response: ${init.issues.join('; ')}` });
    this.name = 'ProviderContractError';
    this.issues = init.issues;
  }
}

export const isProviderError = (err: unknown): err is ProviderError => err instanceof ProviderError;

/** True when a create failed because another server already holds this external_id (reconcile by look-up). */
export const isDuplicateExternalId = (err: unknown): boolean =>
  isProviderError(err) && err.kind === 'validation' && (err.fields ?? []).includes('external_id');

const errorBodySchema = z.object({
  errors: z.array(
    z.object({
      code: z.string().optional(),
      detail: z.string().optional(),
      meta: z.object({ source_field: z.string().optional(), rule: z.string().optional() }).optional(),
    }),
  ),
});

const NO_CAPACITY_CODES = new Set(['NoViableNodeException', 'NoViableAllocationException']);
const ALLOCATION_FIELD = /^allocation\.(default|additional(\.\d+)?)$/;
const MALFORMED_INPUT_RULES = new Set(['required', 'required_without', 'integer', 'numeric', 'array', 'present']);

const isTakenAllocation = (e: PanelErrorEntry): boolean =>
  e.sourceField !== undefined
    ? ALLOCATION_FIELD.test(e.sourceField) && !MALFORMED_INPUT_RULES.has(e.rule ?? '')
    : /allocation/i.test(e.detail ?? '');

function parseEntries(body: unknown): PanelErrorEntry[] {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return [];
  return parsed.data.errors.map((e) => ({
    code: e.code,
    detail: e.detail,
    sourceField: e.meta?.source_field,
    rule: e.meta?.rule,
  }));
}

type Classification = Pick<ProviderErrorInit, 'kind' | 'retryable'>;

function classify(status: number, entries: PanelErrorEntry[]): Classification {
  if (status === 400) {
    const noCapacity = entries.some((e) => NO_CAPACITY_CODES.has(e.code ?? ''));
    return { kind: noCapacity ? 'no_capacity' : 'bad_request', retryable: false };
  }
  if (status === 401 || status === 403) return { kind: 'auth', retryable: false };
  if (status === 404) return { kind: 'not_found', retryable: false };
  if (status === 409) return { kind: 'conflict', retryable: true };
  if (status === 422) {
    const taken = entries.length > 0 && entries.every(isTakenAllocation);
    return { kind: taken ? 'allocation_taken' : 'validation', retryable: false };
  }
  if (status === 429) return { kind: 'rate_limited', retryable: true };
  if (status === 408) return { kind: 'timeout', retryable: true };
  if (status >= 500) return { kind: 'unavailable', retryable: true };
  return { kind: 'bad_request', retryable: false };
}

/** Maps a non-2xx panel response (status, parsed JSON body or undefined, headers) to a ProviderError. */
export function errorFromResponse(
  req: { method: string; path: string },
  res: { status: number; statusText: string; headers: Headers; body: unknown },
  redact: (text: string) => string,
): ProviderError {
  const entries = parseEntries(res.body).map((e) => ({
    ...e,
    detail: e.detail === undefined ? undefined : redact(e.detail),
  }));
  const fields = entries.flatMap((e) => (e.sourceField ? [e.sourceField] : []));
  const detail =
    entries
      .map((e) => e.detail)
      .filter(Boolean)
      .join('; ') ||
    res.statusText ||
    `HTTP ${res.status}`;
  return new ProviderError({
    ...req,
    ...classify(res.status, entries),
    status: res.status,
    code: entries[0]?.code,
    detail,
    fields: fields.length > 0 ? [...new Set(fields)] : undefined,
    errors: entries,
    retryAfterMs: res.status === 429 || res.status >= 500 ? parseRetryAfterMs(res.headers) : undefined,
  });
}

/** Maps a failure before any response arrived: our timeout -> `timeout`, anything else (refused, reset, DNS) -> `unavailable`. */
export function errorFromTransport(
  req: { method: string; path: string },
  err: unknown,
  timeoutMs: number,
  redact: (text: string) => string,
): ProviderError {
  const field = (v: unknown, key: string): unknown =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  const name = field(err, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ProviderError({
      ...req,
      kind: 'timeout',
      retryable: true,
      detail: `no complete response within ${timeoutMs} ms`,
    });
  }
  const cause = field(err, 'cause') ?? err;
  const code = field(cause, 'code');
  const message = field(cause, 'message');
  return new ProviderError({
    ...req,
    kind: 'unavailable',
    retryable: true,
    code: typeof code === 'string' ? code : undefined,
    detail: redact(`network error: ${typeof message === 'string' ? message : String(cause)}`),
  });
}
