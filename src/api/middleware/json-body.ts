import express, { type RequestHandler } from 'express';
import { ApiError } from '../errors';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** A body, when there is one, must be JSON (415 otherwise); bodies over `limitBytes` get 413, malformed JSON 400. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(JSON_TYPES)) {
      next(
        new ApiError(415, 'unsupported_media_type', 'request body must be JSON (Content-Type: application/json)', {
          contentType: req.headers['content-type'] ?? null,
        }),
      );
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit: limitBytes, strict: true, type: JSON_TYPES })];
}
