import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { SimContext } from '../context';
import type { ApiKeyRegistry } from './api-keys';
import { PanelError, sendPanelError } from './errors';
import type { PendingRegistry } from './pending';

const OUTAGE_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export function recordCalls(ctx: SimContext): RequestHandler {
  return (req, _res, next) => {
    ctx.calls.record(req.method, req.path);
    next();
  };
}

/** During an outage the panel is unreachable behind its proxy: 502 with the proxy's HTML page. */
export function outageGate(ctx: SimContext): RequestHandler {
  return (_req, res, next) => {
    if (!ctx.faults.current().outage) return next();
    res.status(502).type('text/html').send(OUTAGE_PAGE);
  };
}

export function latency(ctx: SimContext, pending: PendingRegistry): RequestHandler {
  return (_req, _res, next) => {
    const { latencyMs } = ctx.faults.current();
    if (latencyMs > 0) pending.delay(latencyMs, next);
    else next();
  };
}

/**
 * `Authorization: Bearer <key>`; anything else is 401 AuthenticationException. A key of a user who is not root admin
 * is 403 (AuthenticateApplicationUser, before the throttle).
 */
export function authenticate(keys: ApiKeyRegistry): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const key = match ? keys.find(match[1]) : undefined;
    if (!key) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendPanelError(res, new PanelError(401, 'AuthenticationException', 'Unauthenticated.'));
    }
    if (!key.rootAdmin) {
      const detail = 'This account does not have permission to access the API.';
      return sendPanelError(res, new PanelError(403, 'AccessDeniedHttpException', detail));
    }
    res.locals.apiKeyEntry = key;
    next();
  };
}

/**
 * DaemonConnectionException as the panel builds it: Wings not answering is 504 (HTTP_GATEWAY_TIMEOUT, "Could not
 * establish a connection"); an answer from Wings passes its status through (here 500) with its X-Request-Id.
 */
function daemonError(ctx: SimContext): PanelError {
  if (ctx.faults.roll(0.5)) {
    return new PanelError(
      504,
      'DaemonConnectionException',
      'Could not establish a connection to the machine running this server. Please try again.',
    );
  }
  return new PanelError(
    500,
    'DaemonConnectionException',
    `There was an error while communicating with the machine running this server. This error has been logged, please try again. (code: 500) (request_id: ${randomUUID()})`,
  );
}

/** timeoutRate: never answer (no side effects); errorRate: 504/500 DaemonConnectionException (not on force delete). */
export function chaos(ctx: SimContext, pending: PendingRegistry): RequestHandler {
  return (req, res, next) => {
    const faults = ctx.faults.current();
    if (ctx.faults.roll(faults.timeoutRate)) return pending.hold(res, ctx.options.hangMs);
    const forceDelete = req.method === 'DELETE' && /\/force\/?$/.test(req.path);
    if (!forceDelete && ctx.faults.roll(faults.errorRate)) return sendPanelError(res, daemonError(ctx));
    next();
  };
}
