import type { RequestHandler } from 'express';
import { ApiError, sendError } from './errors';

/** The documented paths (OpenAPI `paths` keys, `{param}` for a segment) with the methods each serves. */
export type DocumentedPaths = Record<string, Record<string, unknown>>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * The last handler: 405 with `Allow` for a path the API serves under other methods (HEAD goes with GET), 404 for
 * any other request.
 */
export function unknownRoute(paths: DocumentedPaths): RequestHandler {
  const routes = Object.entries(paths).map(([template, operations]) => ({
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    allow: Object.keys(operations)
      .filter((method) => METHODS.has(method))
      .flatMap((method) => (method === 'get' ? ['GET', 'HEAD'] : [method.toUpperCase()])),
  }));
  return (req, res) => {
    const allow = routes.find((route) => route.pattern.test(req.path))?.allow;
    if (allow && !allow.includes(req.method)) {
      sendError(
        res,
        new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}`, null, {
          Allow: allow.join(', '),
        }),
      );
      return;
    }
    sendError(res, new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`));
  };
}
