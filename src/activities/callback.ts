import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { CallbackFailureType, type DeliverCallbackInput, type DeliverCallbackResult } from '../callbacks/contract';
import { callbackHeaders } from '../callbacks/sign';

export const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;
const MAX_RETRY_AFTER_MS = 60 * 60_000;

export interface CallbackDeps {
  /** CALLBACK_SECRET; without it every attempt fails (retryably) until a worker that has it takes over. */
  secret?: string;
  logger: Logger;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
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

function failureOfStatus(res: Response, where: string): ApplicationFailure {
  const message = `callback to ${where} answered ${res.status}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    return failure(CallbackFailureType.Unavailable, message, false, retryAfterMs(res.headers.get('retry-after')));
  }
  return failure(CallbackFailureType.Rejected, `${message}; not retried`, true);
}

function failureOfError(err: unknown, where: string, timedOut: boolean): ApplicationFailure {
  if (timedOut) return failure(CallbackFailureType.Timeout, `callback to ${where} timed out`, false);
  const cause =
    err instanceof Error && err.cause instanceof Error
      ? err.cause.message
      : err instanceof Error
        ? err.message
        : String(err);
  return failure(CallbackFailureType.Unreachable, `callback to ${where} failed: ${cause}`, false);
}

async function post(input: DeliverCallbackInput, secret: string, timeoutMs: number, where: string): Promise<Response> {
  const body = JSON.stringify(input.event);
  const cancelled = Context.current().cancellationSignal;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await fetch(input.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'server-queue-callbacks/1',
        ...callbackHeaders(secret, input.event.id, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, cancelled]),
    });
  } catch (err) {
    if (cancelled.aborted) throw cancelled.reason;
    throw failureOfError(err, where, timeout.aborted);
  }
}

/**
 * deliverCallback: one signed POST of the event per attempt (fresh X-Timestamp, same X-Event-Id and body). 2xx
 * delivers; 408, 429, 5xx, timeouts and network errors are retried; any other answer (redirects are not followed)
 * is final.
 */
export function deliverCallbackActivity(
  deps: CallbackDeps,
): (input: DeliverCallbackInput) => Promise<DeliverCallbackResult> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  return async (input) => {
    const { attempt } = Context.current().info;
    const where = originOf(input.url);
    const facts = { orderId: input.event.orderId, eventId: input.event.id, receiver: where, attempt };
    if (!deps.secret) {
      deps.logger.error(facts, 'CALLBACK_SECRET is not set on this worker; the callback cannot be signed');
      throw failure(CallbackFailureType.SecretMissing, 'CALLBACK_SECRET is not set on the worker', false);
    }
    let outcome: ApplicationFailure;
    try {
      const res = await post(input, deps.secret, timeoutMs, where);
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        deps.logger.info({ ...facts, status: res.status }, 'callback delivered');
        return { status: res.status, attempt };
      }
      outcome = failureOfStatus(res, where);
    } catch (err) {
      if (!(err instanceof ApplicationFailure)) throw err;
      outcome = err;
    }
    const log = outcome.nonRetryable ? deps.logger.error.bind(deps.logger) : deps.logger.warn.bind(deps.logger);
    log(
      { ...facts, type: outcome.type, reason: outcome.message },
      outcome.nonRetryable ? 'callback refused; giving up' : 'callback failed; will retry',
    );
    throw outcome;
  };
}
