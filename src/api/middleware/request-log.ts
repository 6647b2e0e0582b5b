import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** One log line per request: method, URL, status and duration; never headers or bodies. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
      const entry = { method: req.method, url: req.originalUrl, status: res.statusCode, ms };
      if (res.statusCode >= 500) logger.warn(entry, 'request failed');
      else logger.info(entry, 'request');
    });
    next();
  };
}
