import type { RequestHandler } from 'express';
import type { SimContext } from '../context';
import type { ApiKey } from './api-keys';
import { PanelError, sendPanelError } from './errors';

const WINDOW_MS = 60_000;

export interface RateLimiter {
  middleware: RequestHandler;
  reset(): void;
}

/**
 * Laravel's ThrottleRequests: a fixed 60 s window per admin user (the panel's `api.application` limiter is keyed by
 * the key's user uuid, so all keys of one user share it) opened by its first hit; rejected attempts are
 * not counted. Every passing response carries X-RateLimit-Limit/Remaining; a 429 adds Retry-After and X-RateLimit-Reset.
 */
export function createRateLimiter(ctx: SimContext): RateLimiter {
  const windows = new Map<string, { start: number; hits: number }>();
  const middleware: RequestHandler = (_req, res, next) => {
    const limit = ctx.faults.current().rateLimitPerMinute;
    const key = (res.locals.apiKeyEntry as ApiKey).user;
    const now = ctx.now();
    let window = windows.get(key);
    if (!window || now >= window.start + WINDOW_MS) {
      window = { start: now, hits: 0 };
      windows.set(key, window);
    }
    if (window.hits >= limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
      ctx.calls.recordRateLimited();
      res.set({
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        'Retry-After': String(retryAfter),
        'X-RateLimit-Reset': String(Math.floor(now / 1000) + retryAfter),
      });
      return sendPanelError(res, new PanelError(429, 'ThrottleRequestsException', 'Too Many Attempts.'));
    }
    window.hits += 1;
    res.set({ 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': String(limit - window.hits) });
    next();
  };
  return { middleware, reset: () => windows.clear() };
}
