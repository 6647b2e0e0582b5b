import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { RECORDED_STATUSES, TIERS } from '../../workflows/contract';

/** The dashboard's page and assets: run from src/ (ts-node) or from a tsc build in dist/. */
export const DASHBOARD_DIR =
  [
    path.resolve(__dirname, '..', 'dashboard'),
    path.resolve(__dirname, '..', '..', '..', '..', 'src', 'api', 'dashboard'),
  ].find((dir) => existsSync(path.join(dir, 'index.html'))) ?? path.resolve(__dirname, '..', 'dashboard');

/** uPlot's browser build and stylesheet, served from its npm package (no CDN). */
export const UPLOT_DIST_DIR = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
/** The chart library's files the dashboard loads (from the uplot package, never a CDN). */
export const UPLOT_FILES = ['uPlot.iife.min.js', 'uPlot.min.css'];

/** Same-origin scripts, styles and API calls only; nothing inline, no framing, no form posts. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

/** What the page needs to build its filters, from the same contract the API validates against. */
export const dashboardMeta = { statuses: RECORDED_STATUSES, tiers: TIERS };

/** GET / and /dashboard/*: the static operator dashboard (no API key: the page asks for it and sends it as Bearer). */
export function dashboardRouter(): Router {
  const router = Router();
  router.get('/', securityHeaders, (_req, res) => {
    res.sendFile(path.join(DASHBOARD_DIR, 'index.html'));
  });
  router.get('/dashboard/meta.json', securityHeaders, (_req, res) => {
    res.json(dashboardMeta);
  });
  router.get('/dashboard/vendor/:file', securityHeaders, (req, res, next) => {
    if (!UPLOT_FILES.includes(req.params.file)) return next();
    res.sendFile(path.join(UPLOT_DIST_DIR, req.params.file));
  });
  router.use(
    '/dashboard',
    securityHeaders,
    express.static(DASHBOARD_DIR, { index: false, redirect: false, dotfiles: 'ignore', cacheControl: false }),
  );
  return router;
}
