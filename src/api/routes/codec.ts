import { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { ApiError } from '../errors';
import { asyncRoute } from '../middleware/async-route';
import { requireRole } from '../middleware/auth';
import { jsonBody } from '../middleware/json-body';
import { validate, validated } from '../middleware/validate';

export interface CodecRouteDeps {
  codec: PayloadCodec;
  /** `authenticate(...)` of the app: the codec answers operator keys only. */
  authenticated: RequestHandler[];
  /** The Temporal UI's origin (TEMPORAL_UI_URL): the only origin CORS lets read the answers. */
  uiOrigin?: string;
  maxBodyBytes: number;
  /**
   * CODEC_ALLOW_UNAUTHENTICATED_FROM_UI: decode (never encode) without a key for requests that carry no
   * Authorization and come from `uiOrigin`. The Origin header is only a browser's promise: use it only where the API
   * is as private as the UI (npm start on loopback). Default false.
   */
  uiWithoutKey?: boolean;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** POST /codec/decode and /codec/encode body. */
export const codecBodySchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }))
    .max(10_000),
});
type JsonPayload = z.output<typeof codecBodySchema>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** CORS for the Temporal UI's remote codec calls: its origin only; preflights end here with 204. */
function uiCors(origin: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (origin && req.headers.origin === origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.vary('Origin');
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  };
}

/**
 * POST /codec/decode and /codec/encode: the Temporal UI's remote codec protocol (`{ payloads: [{ metadata, data }] }`,
 * base64 values, answered in the same shape) over the service's payload codec, for operator keys only.
 */
export function codecRouter(deps: CodecRouteDeps): Router {
  const router = Router();
  router.use(uiCors(deps.uiOrigin));
  const run = (direction: 'decode' | 'encode'): RequestHandler[] => [
    ...jsonBody(deps.maxBodyBytes),
    validate('body', codecBodySchema),
    asyncRoute(async (_req, res) => {
      const payloads = validated(res, 'body', codecBodySchema).payloads.map(fromJson);
      let answer: Payload[];
      try {
        answer = await deps.codec[direction](payloads);
      } catch (err) {
        throw new ApiError(400, `${direction}_failed`, (err as Error).message);
      }
      res.json({ payloads: answer.map(toJson) });
    }),
  ];
  const fromUiWithoutKey: RequestHandler = (req, _res, next) => {
    const fromUi = deps.uiWithoutKey && deps.uiOrigin && req.headers.origin === deps.uiOrigin;
    next(fromUi && !req.headers.authorization ? undefined : 'route');
  };
  router.post('/decode', fromUiWithoutKey, ...run('decode'));
  for (const direction of ['decode', 'encode'] as const)
    router.post(`/${direction}`, ...deps.authenticated, requireRole, ...run(direction));
  return router;
}
