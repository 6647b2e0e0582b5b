import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { safeError } from '../logger';
import { isTemporalUnavailable } from '../temporal-errors';

export type ErrorDetails = Record<string, unknown> | null;

/** An error the API answers with its own status, code and headers: `{ "error": { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const orderNotFound = (orderId: string) =>
  new ApiError(404, 'order_not_found', `order ${orderId} does not exist`, { orderId });

export const temporalUnavailable = () =>
  new ApiError(503, 'temporal_unavailable', 'the workflow service (Temporal) cannot be reached; try again shortly');

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  length?: number;
  charset?: string;
}

function fromBodyParser(err: BodyParserError): ApiError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new ApiError(413, 'payload_too_large', `request body exceeds the limit of ${err.limit} bytes`, {
        limitBytes: err.limit ?? null,
      });
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_json', 'request body is not valid JSON');
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', `unsupported charset "${err.charset}"; send UTF-8 JSON`);
    case 'encoding.unsupported':
      return new ApiError(415, 'unsupported_media_type', 'unsupported content encoding');
    case 'request.aborted':
      return new ApiError(400, 'request_aborted', 'request was aborted by the client');
    default:
      return undefined;
  }
}

function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (isTemporalUnavailable(err)) return temporalUnavailable();
  if (err && typeof err === 'object' && 'type' in err) return fromBodyParser(err as BodyParserError);
  return undefined;
}

export function sendError(res: Parameters<RequestHandler>[1], error: ApiError): void {
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
}

/** Last handler: known errors keep their status, anything else is a 500 without internals. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toApiError(err);
    if (known) {
      if (known.status >= 500) logger.warn({ err: safeError(err), method: req.method, path: req.path }, known.message);
      sendError(res, known);
      return;
    }
    logger.error({ err: safeError(err), method: req.method, path: req.path }, 'unhandled error');
    sendError(res, new ApiError(500, 'internal_error', 'internal error'));
  };
}
