import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../../src/api/openapi/document';
import { apiCalls, arrayReads, phpArrayLiteral, phpBlocks, type PhpValue } from './php-api-calls';

type Json = Record<string, unknown>;

const document = openApiDocument({ codec: false });
const components = document.components.schemas as Record<string, Json>;
const snippets = phpBlocks(readFileSync(path.join(__dirname, '../../docs/callbacks.md'), 'utf8'));

function resolve(schema: Json): Json {
  const ref = schema.$ref;
  return typeof ref === 'string' ? resolve(components[ref.split('/').pop()!]) : schema;
}

/** The schemas `schema` may take at `keys` (through $ref, anyOf/oneOf/allOf and properties); empty when none. */
function schemasAt(schema: Json, keys: string[]): Json[] {
  const here = resolve(schema);
  const branches = [
    ...((here.anyOf ?? []) as Json[]),
    ...((here.oneOf ?? []) as Json[]),
    ...((here.allOf ?? []) as Json[]),
  ];
  if (branches.length > 0) return branches.flatMap((branch) => schemasAt(branch, keys));
  if (keys.length === 0) return [here];
  const property = (here.properties as Record<string, Json> | undefined)?.[keys[0]];
  return property ? schemasAt(property, keys.slice(1)) : [];
}

/** Keys of the PHP literal the schema does not have, and required properties the literal lacks. */
function bodyMismatches(value: PhpValue, schema: Json, at = ''): string[] {
  if (value === 'expression' || Array.isArray(value)) return [];
  const object = schemasAt(schema, []).find((s) => s.properties);
  if (!object) return [`${at || 'body'}: not an object in the document`];
  const properties = object.properties as Record<string, Json>;
  const unknown = Object.keys(value)
    .filter((key) => !properties[key])
    .map((key) => `${at}${key}: not in the document`);
  const missing = ((object.required ?? []) as string[])
    .filter((key) => !(key in value))
    .map((key) => `${at}${key}: required by the document`);
  const nested = Object.entries(value)
    .filter(([key]) => properties[key])
    .flatMap(([key, child]) => bodyMismatches(child, properties[key], `${at}${key}.`));
  return [...unknown, ...missing, ...nested];
}

function documentedOperation(method: string, phpPath: string) {
  const entry = Object.entries(document.paths).find(([template]) => template.replace(/\{[^}]+\}/g, '{}') === phpPath);
  const operation = (entry?.[1] as Record<string, Json> | undefined)?.[method];
  if (!operation) throw new Error(`${method.toUpperCase()} ${phpPath} is not in the document`);
  return operation as { operationId: string; requestBody?: Json; responses: Record<string, Json> };
}

function responseSchemas(operation: { responses: Record<string, Json> }): Json[] {
  return Object.values(operation.responses).flatMap((answer) => {
    const resolved =
      typeof answer.$ref === 'string'
        ? (document.components.responses as Record<string, Json>)[answer.$ref.split('/').pop()!]
        : answer;
    const schema = (resolved.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
    return schema ? [schema] : [];
  });
}

describe('the PHP examples for CtrlPanel (docs/callbacks.md) against the OpenAPI document', () => {
  const calls = snippets.flatMap((php) => apiCalls(php).map((call) => ({ php, call })));

  it('call only documented operations: create an order and read it', () => {
    expect(calls.map(({ call }) => documentedOperation(call.method, call.path).operationId)).toEqual([
      'createOrder',
      'getOrder',
    ]);
  });

  it('send a body with only fields the document defines, and every field it requires', () => {
    const [{ php, call }] = calls.filter(({ call }) => call.body);
    const operation = documentedOperation(call.method, call.path);
    const bodySchema = (operation.requestBody!.content as Record<string, { schema: Json }>)['application/json'].schema;
    expect(bodyMismatches(phpArrayLiteral(php, call.body!), bodySchema)).toEqual([]);
  });

  it('read only response fields the document defines, and tell apart only documented statuses', () => {
    for (const { call } of calls) {
      const operation = documentedOperation(call.method, call.path);
      const schemas = responseSchemas(operation);
      const unknown = call.reads.filter((read) => !schemas.some((s) => schemasAt(s, read.split('.')).length > 0));
      expect({ operation: operation.operationId, unknown }).toEqual({ operation: operation.operationId, unknown: [] });
      const undocumented = call.statuses.filter((status) => !(String(status) in operation.responses));
      expect({ operation: operation.operationId, undocumented }).toEqual({
        operation: operation.operationId,
        undocumented: [],
      });
    }
  });

  it('verify a callback with the headers the webhook documents and read only fields of its event', () => {
    const receiver = snippets.find((php) => php.includes('->verify('));
    expect(receiver).toBeDefined();
    const webhook = document.webhooks.orderEvent.post;
    const headers = Object.keys(phpArrayLiteral(receiver!, 'headers'));
    expect(headers.sort()).toEqual(webhook.parameters.map((p) => p.name).sort());
    const event = webhook.requestBody.content['application/json'].schema as Json;
    const reads = [
      ...arrayReads(receiver!, 'event'),
      ...arrayReads(receiver!, 'order').map((keys) => ['order', ...keys]),
    ];
    expect(reads.length).toBeGreaterThan(3);
    expect(reads.filter((keys) => schemasAt(event, keys).length === 0)).toEqual([]);
    const types = [...receiver!.matchAll(/'(order\.[a-z_]+)'/g)].map((m) => m[1]);
    const documentedTypes = schemasAt(event, ['type'])[0].enum as string[];
    expect(types.length).toBeGreaterThan(0);
    expect(types.filter((type) => !documentedTypes.includes(type))).toEqual([]);
  });
});
