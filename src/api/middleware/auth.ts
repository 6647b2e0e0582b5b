import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError, sendError } from '../errors';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Requires `Authorization: Bearer <API key>`; compares in constant time (over digests, so lengths do not leak). */
export function requireApiKey(apiKey: string): RequestHandler {
  const expected = digest(apiKey);
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      sendError(res, new ApiError(401, 'unauthorized', 'missing API key: send "Authorization: Bearer <API key>"'));
      return;
    }
    if (!timingSafeEqual(digest(match[1]), expected)) {
      sendError(res, new ApiError(401, 'unauthorized', 'invalid API key'));
      return;
    }
    next();
  };
}
