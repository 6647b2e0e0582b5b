import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { CallbackFailureType, type DeliverCallbackInput, type DeliverCallbackResult } from '../callbacks/contract';
import type { CallbackSigning } from '../callbacks/secrets';
import { callbackSigningHeaders } from '../callbacks/sign';
import { guardedPost, type OutboundResponse } from '../net/guarded-fetch';
import { OutboundGuard, OutboundRefusedError } from '../net/outbound-guard';

export const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * CALLBACK_SECRETS, CALLBACK_SECRET and CALLBACK_LEGACY_HEADERS; without any secret every attempt fails (retryably)
 * until a worker that has one takes over.
 */
export interface CallbackDeps extends CallbackSigning {
  logger: Logger;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Which receivers may be called (CALLBACK_ALLOWED_HOSTS); default: public addresses only. */
  guard?: OutboundGuard;
}

type FailureName = (typeof CallbackFailureType)[keyof typeof CallbackFailureType];

const failure = (type: FailureName, message: string, nonRetryable: boolean, nextRetryDelay?: number) =>
  ApplicationFailure.create({ type, message, nonRetryable, nextRetryDelay });

/** The receiver's origin only: a callbackUrl's path or query may carry a token. */
const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
};

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_RETRY_AFTER_MS) : undefined;
}

function failureOfStatus(res: OutboundResponse, where: string): ApplicationFailure {
  const message = `callback to ${where} answered ${res.status}`;
  const retryAfter = retryAfterMs(res.headers.get('retry-after'));
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    return failure(CallbackFailureType.Unavailable, message, false, retryAfter);
  }
  if (res.status >= 400 && res.status !== 410) return failure(CallbackFailureType.Refused, message, false, retryAfter);
  return failure(CallbackFailureType.Rejected, `${message}; not retried`, true);
}

/**
 * The failure callers see for an error before any answer: generic on purpose (no socket message, address or port,
 * which would make callbacks a scanner of the worker's network); the details go to the worker's log only.
 */
function failureOfError(err: unknown, where: string, timedOut: boolean): ApplicationFailure {
  if (timedOut) return failure(CallbackFailureType.Timeout, `callback to ${where} timed out`, false);
  if (err instanceof OutboundRefusedError) {
    const message = `callback to ${where} not sent: its host is not a public address (see CALLBACK_ALLOWED_HOSTS)`;
    return failure(CallbackFailureType.AddressRefused, message, true);
  }
  return failure(CallbackFailureType.Unreachable, `callback to ${where} could not be reached`, false);
}

/** What went wrong, in full, for the worker's log. */
function detailOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}

function post(
  guard: OutboundGuard,
  input: DeliverCallbackInput,
  body: string,
  signed: Record<string, string>,
  signal: AbortSignal,
) {
  return guardedPost(guard, input.url, {
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'server-queue-callbacks/1',
      ...signed,
    },
    body,
    signal,
  });
}

/**
 * deliverCallback: one POST of the event per attempt, signed per Standard Webhooks (same webhook-id and body, fresh
 * webhook-timestamp; plus the legacy X-* headers while they are on), through the outbound-address guard. 2xx
 * delivers; every 4xx but 410, 5xx, timeouts and network errors are retried; 410 Gone and redirects (not followed)
 * are final, and so is a receiver whose address the guard refuses.
 */
export function deliverCallbackActivity(
  deps: CallbackDeps,
): (input: DeliverCallbackInput) => Promise<DeliverCallbackResult> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  const guard = deps.guard ?? new OutboundGuard();
  return async (input) => {
    const { attempt } = Context.current().info;
    const where = originOf(input.url);
    const facts = { orderId: input.event.orderId, eventId: input.event.id, receiver: where, attempt };
    const body = JSON.stringify(input.event);
    const signed = callbackSigningHeaders(deps, input.event.id, body);
    if (!signed) {
      deps.logger.error(facts, 'neither CALLBACK_SECRETS nor CALLBACK_SECRET is set on this worker; cannot sign');
      throw failure(
        CallbackFailureType.SecretMissing,
        'no callback secret (CALLBACK_SECRETS or CALLBACK_SECRET) is set on the worker',
        false,
      );
    }
    const cancelled = Context.current().cancellationSignal;
    const timeout = AbortSignal.timeout(timeoutMs);
    let outcome: ApplicationFailure;
    let detail: string | undefined;
    try {
      const res = await post(guard, input, body, signed, AbortSignal.any([timeout, cancelled]));
      if (res.status >= 200 && res.status < 300) {
        deps.logger.info({ ...facts, status: res.status }, 'callback delivered');
        return { status: res.status, attempt };
      }
      outcome = failureOfStatus(res, where);
    } catch (err) {
      if (cancelled.aborted) throw cancelled.reason;
      outcome = failureOfError(err, where, timeout.aborted);
      detail = detailOf(err);
    }
    const log = outcome.nonRetryable ? deps.logger.error.bind(deps.logger) : deps.logger.warn.bind(deps.logger);
    log(
      { ...facts, type: outcome.type, reason: outcome.message, ...(detail === undefined ? {} : { detail }) },
      outcome.nonRetryable ? 'callback refused; giving up' : 'callback failed; will retry',
    );
    throw outcome;
  };
}
