import { API_ROLES } from '../api-keys';
import { rolesFor } from '../middleware/auth';
import { UPLOT_FILES } from '../routes/dashboard';
import { operation } from './components';

const html = (description: string) => ({ description, schema: { type: 'string' }, contentType: 'text/html' });

/** /healthz, /readyz, /metrics, the dashboard and this document: served whatever the configuration. */
export function servicePaths() {
  return {
    '/healthz': {
      get: operation({
        operationId: 'getHealth',
        summary: 'Liveness',
        tags: ['service'],
        access: 'public',
        responses: { 200: { description: 'The process is up.', schema: 'Health' } },
        errors: [],
      }),
    },
    '/readyz': {
      get: operation({
        operationId: 'getReadiness',
        summary: 'Readiness',
        description: '503 (`not_ready`) unless Temporal answers and the API worker (admission, census) runs.',
        tags: ['service'],
        access: 'public',
        responses: { 200: { description: 'Ready for traffic.', schema: 'Ready' } },
        errors: [503],
      }),
    },
    '/metrics': {
      get: operation({
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        tags: ['service'],
        access: API_ROLES,
        responses: {
          200: {
            description: 'Prometheus text exposition format.',
            schema: { type: 'string' },
            contentType: 'text/plain',
          },
        },
        errors: [],
      }),
    },
    '/': {
      get: operation({
        operationId: 'getDashboard',
        summary: 'Operator dashboard page',
        description: 'The page asks for an API key and sends it as Bearer to /v1.',
        tags: ['dashboard'],
        access: 'public',
        responses: { 200: html('The dashboard (its assets are under /dashboard/).') },
        errors: [],
      }),
    },
    '/dashboard/meta.json': {
      get: operation({
        operationId: 'getDashboardMeta',
        summary: "The dashboard's filter values",
        tags: ['dashboard'],
        access: 'public',
        responses: {
          200: {
            description: 'Recorded statuses and tiers.',
            schema: {
              type: 'object',
              properties: {
                statuses: { type: 'array', items: { type: 'string' } },
                tiers: { type: 'array', items: { type: 'string' } },
              },
              required: ['statuses', 'tiers'],
            },
          },
        },
        errors: [],
      }),
    },
    '/dashboard/vendor/{file}': {
      get: operation({
        operationId: 'getDashboardVendorFile',
        summary: "The dashboard's chart library (uPlot), served from its npm package",
        tags: ['dashboard'],
        access: 'public',
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', enum: UPLOT_FILES } }],
        responses: {
          200: { description: 'The file (JavaScript or CSS).', schema: { type: 'string' }, contentType: '*/*' },
        },
        errors: [404],
      }),
    },
    '/openapi.json': {
      get: operation({
        operationId: 'getOpenApiDocument',
        summary: 'This OpenAPI 3.1 document',
        tags: ['service'],
        access: 'public',
        responses: { 200: { description: 'The document.', schema: { type: 'object' } } },
        errors: [],
      }),
    },
    '/docs': {
      get: operation({
        operationId: 'getApiDocs',
        summary: 'This document, readable (Swagger UI)',
        tags: ['service'],
        access: 'public',
        responses: { 200: html('The page (its assets are under /docs/).') },
        errors: [],
      }),
    },
  };
}

const codec = (direction: 'decode' | 'encode') =>
  operation({
    operationId: `${direction}Payloads`,
    summary: `${direction === 'decode' ? 'Decode' : 'Encode'} Temporal payloads (the Temporal UI's remote codec)`,
    description:
      'Served only with PAYLOAD_ENCRYPTION_KEY. CORS for the origin of TEMPORAL_UI_URL.' +
      (direction === 'decode' ? ' With CODEC_ALLOW_UNAUTHENTICATED_FROM_UI, also without a key from that origin.' : ''),
    tags: ['codec'],
    access: rolesFor({ method: 'POST', path: `/${direction}` }),
    body: {
      schema: 'CodecRequest',
      example: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'e30=' }] },
    },
    responses: { 200: { description: `The ${direction}d payloads, in order.`, schema: 'CodecPayloads' } },
    errors: [400, 413, 415],
  });

/** /codec/decode and /codec/encode: only when the service has a payload codec. */
export function codecPaths() {
  return { '/codec/decode': { post: codec('decode') }, '/codec/encode': { post: codec('encode') } };
}
