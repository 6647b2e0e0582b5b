import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import type { OpenApiDocument } from '../openapi/document';

/** The /docs page and its init script: run from src/ (ts-node) or from a tsc build in dist/. */
export const DOCS_DIR =
  [path.resolve(__dirname, '..', 'docs'), path.resolve(__dirname, '..', '..', '..', '..', 'src', 'api', 'docs')].find(
    (dir) => existsSync(path.join(dir, 'index.html')),
  ) ?? path.resolve(__dirname, '..', 'docs');

/** Swagger UI's files, served from the swagger-ui-dist package (no CDN). */
export const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Same-origin scripts and calls only; Swagger UI sets inline styles and uses data: images. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', DOCS_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

const STATIC = { index: false, redirect: false, dotfiles: 'ignore', cacheControl: false } as const;

/** GET /openapi.json (the API's OpenAPI 3.1 document) and GET /docs (Swagger UI over it); no API key. */
export function docsRouter(document: OpenApiDocument): Router {
  const router = Router();
  const body = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  router.get('/docs', securityHeaders, (_req, res) => {
    res.sendFile(path.join(DOCS_DIR, 'index.html'));
  });
  router.use('/docs', securityHeaders, express.static(DOCS_DIR, STATIC), express.static(SWAGGER_UI_DIR, STATIC));
  return router;
}
