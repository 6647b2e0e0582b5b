import type { Request, RequestHandler, Response } from 'express';
import { MemoryStore, type Options } from 'express-rate-limit';
import type { ApiCaller, ApiKeyRing, ApiRole } from '../api-keys';
import { ApiError, sendError } from '../errors';

/** Failed authentications one client address may make per window before it is refused with 429. */
export interface FailedAuthLimit {
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILED_AUTH_LIMIT: FailedAuthLimit = { max: 20, windowMs: 60_000 };

/**
 * Requires `Authorization: Bearer <API key>` of one of the ring's keys (compared in constant time) and records the
 * caller (`callerOf`). A client address whose failed attempts (401s) reach `limit` in its window gets 429 with
 * Retry-After until the window ends, whatever key it sends; only answered 401s count, so concurrent good requests never
 * do (express-rate-limit's window store).
 */
export function authenticate(ring: ApiKeyRing, limit: FailedAuthLimit = DEFAULT_FAILED_AUTH_LIMIT): RequestHandler[] {
  const failures = new MemoryStore();
  failures.init({ windowMs: limit.windowMs } as Options);
  const refuseLockedOut: RequestHandler = (req, res, next) => {
    const address = req.ip ?? 'unknown';
    void failures.get(address).then((info) => {
      if (info && info.totalHits >= limit.max) {
        const reset = info.resetTime?.getTime() ?? Date.now() + limit.windowMs;
        const retryAfter = String(Math.max(1, Math.ceil((reset - Date.now()) / 1000)));
        sendError(
          res,
          new ApiError(
            429,
            'too_many_failed_authentications',
            'too many failed authentications from this address; retry later',
            null,
            { 'Retry-After': retryAfter },
          ),
        );
        return;
      }
      res.on('finish', () => {
        if (res.statusCode === 401) void failures.increment(address);
      });
      next();
    }, next);
  };
  const check: RequestHandler = (req, res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      sendError(res, new ApiError(401, 'unauthorized', 'missing API key: send "Authorization: Bearer <API key>"'));
      return;
    }
    const caller = ring.find(match[1]);
    if (!caller) {
      sendError(res, new ApiError(401, 'unauthorized', 'invalid API key'));
      return;
    }
    res.locals.caller = caller;
    next();
  };
  return [refuseLockedOut, check];
}

/** The authenticated caller of a request (set by `authenticate`). */
export function callerOf(res: Response): ApiCaller {
  const caller = res.locals.caller as ApiCaller | undefined;
  if (!caller) throw new Error('callerOf() before authenticate()');
  return caller;
}

/**
 * Which roles may make a request (relative to where the router is mounted): reads any role, order creation and
 * cancellation panel keys too, everything else (operator actions, operations, the payload codec) operators only.
 */
export function rolesFor(req: Pick<Request, 'method' | 'path'>): readonly ApiRole[] {
  if (req.method === 'GET' || req.method === 'HEAD') return ['panel', 'operator', 'read'];
  if (req.method === 'POST' && /^\/orders\/?$/.test(req.path)) return ['panel', 'operator'];
  if (req.method === 'POST' && /^\/orders\/[^/]+\/cancel\/?$/.test(req.path)) return ['panel', 'operator'];
  if (req.method === 'POST' && /^\/servers\/[^/]+\/billing\/?$/.test(req.path)) return ['panel', 'operator'];
  return ['operator'];
}

/** 403 when the caller's role may not make this request (see rolesFor). */
export const requireRole: RequestHandler = (req, res, next) => {
  const caller = callerOf(res);
  const roles = rolesFor(req);
  if (roles.includes(caller.role)) return next();
  sendError(
    res,
    new ApiError(
      403,
      'forbidden',
      `the key ${caller.name} (${caller.role}) may not ${req.method} ${req.baseUrl}${req.path}`,
      {
        role: caller.role,
        allowed: roles,
      },
    ),
  );
};
