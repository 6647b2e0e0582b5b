/** Rate-limit headers of one response; `resetAt` (epoch ms) is known only when the panel sends it (429s). */
export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetAt?: number;
}

/** Seconds or an HTTP date (`Retry-After`), else the unix time of `X-RateLimit-Reset`. */
export function parseRetryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  return reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** `X-RateLimit-Limit` / `X-RateLimit-Remaining` (both required) plus the reset time when one is given. */
export function readRateLimit(headers: Headers, now = Date.now()): RateLimitInfo | undefined {
  const limit = Number.parseInt(headers.get('x-ratelimit-limit') ?? '', 10);
  const remaining = Number.parseInt(headers.get('x-ratelimit-remaining') ?? '', 10);
  if (Number.isNaN(limit) || Number.isNaN(remaining)) return undefined;
  const retryAfterMs = parseRetryAfterMs(headers, now);
  return retryAfterMs === undefined ? { limit, remaining } : { limit, remaining, resetAt: now + retryAfterMs };
}
