import { API_ROLES, type ApiRole } from '../api-keys';
import { ref, type JsonSchema, type SchemaName } from './schemas';

/** The error statuses the document describes, each a shared response in `components.responses`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

const ERROR_RESPONSES: Record<ErrorStatus, { name: string; description: string }> = {
  400: {
    name: 'BadRequest',
    description: 'Invalid request: `details.issues` lists `{ field, reason }` per rejected field.',
  },
  401: { name: 'Unauthorized', description: 'Missing or unknown API key (`unauthorized`).' },
  403: { name: 'Forbidden', description: "The key's role may not make this request (`forbidden`, `details.allowed`)." },
  404: { name: 'NotFound', description: 'No such order or operation (`order_not_found`, `operation_not_found`).' },
  409: { name: 'Conflict', description: 'The request conflicts with the current state (see the operation).' },
  413: { name: 'PayloadTooLarge', description: 'Body over the limit (`payload_too_large`, MAX_BODY_BYTES).' },
  415: { name: 'UnsupportedMediaType', description: 'Body is not UTF-8 JSON (`unsupported_media_type`).' },
  429: { name: 'TooManyRequests', description: 'Too many requests; retry after `Retry-After` seconds.' },
  500: { name: 'InternalError', description: 'Unexpected error (`internal_error`), without internals.' },
  503: {
    name: 'ServiceUnavailable',
    description: 'Temporal cannot be reached (`temporal_unavailable`); retry shortly.',
  },
};

const retryAfter = {
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', minimum: 1 },
};

/** `components.responses`, `components.headers` and `components.securitySchemes`. */
export function sharedComponents() {
  const responses = Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(({ name, description }) => [
      name,
      {
        description,
        ...(name === 'Unauthorized'
          ? { headers: { 'WWW-Authenticate': { schema: { type: 'string', const: 'Bearer' } } } }
          : {}),
        ...(name === 'TooManyRequests'
          ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } }
          : {}),
        content: { 'application/json': { schema: ref(name === 'BadRequest' ? 'ValidationError' : 'Error') } },
      },
    ]),
  );
  return {
    responses,
    headers: { RetryAfter: retryAfter },
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key (API_KEY, or one of API_KEYS) as `Authorization: Bearer <key>`. Each key has a role: `panel` ' +
          '(create, read and cancel orders), `operator` (everything) or `read` (GET only). 20 failed attempts a ' +
          'minute from one address answer 429 with Retry-After.',
      },
    },
  };
}

/** Who may call an operation: nobody needs a key (`public`), or any key of these roles. */
export type Access = 'public' | readonly ApiRole[];

/** One response: a description, and optionally a body schema, an example and headers. */
export interface SuccessResponse {
  description: string;
  schema?: SchemaName | JsonSchema;
  contentType?: string;
  example?: unknown;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

/** What an OpenAPI operation is built from. */
export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  parameters?: unknown[];
  body?: { schema: SchemaName; required?: boolean; example?: unknown };
  responses: Record<number, SuccessResponse>;
  errors: ErrorStatus[];
}

function response({ description, schema, contentType = 'application/json', example, headers }: SuccessResponse) {
  if (schema === undefined) return { description, ...(headers ? { headers } : {}) };
  const bodySchema = typeof schema === 'string' ? ref(schema) : schema;
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { [contentType]: { schema: bodySchema, ...(example !== undefined ? { example } : {}) } },
  };
}

/** An OpenAPI operation object: security and `x-roles` from `access`, error responses from the shared ones. */
export function operation(spec: OperationSpec) {
  const roles = spec.access === 'public' ? [] : [...spec.access];
  const who = spec.access === 'public' ? 'No API key needed.' : `Roles: ${roles.join(', ')}.`;
  const keyed: ErrorStatus[] =
    spec.access === 'public' ? [] : roles.length < API_ROLES.length ? [401, 403, 429] : [401, 429];
  const errors = [...new Set<ErrorStatus>([...keyed, ...spec.errors])];
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description: [spec.description, who].filter(Boolean).join('\n\n'),
    tags: spec.tags,
    security: spec.access === 'public' ? [] : [{ apiKey: [] }],
    'x-roles': roles,
    ...(spec.parameters?.length ? { parameters: spec.parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required ?? true,
            content: {
              'application/json': {
                schema: ref(spec.body.schema),
                ...(spec.body.example !== undefined ? { example: spec.body.example } : {}),
              },
            },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, response(r)])),
      ...Object.fromEntries(
        [...errors, 500 as const]
          .sort((a, b) => a - b)
          .map((status) => [String(status), { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` }]),
      ),
    },
  };
}
