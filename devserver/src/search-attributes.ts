import type { Ctx } from './ctx';
import { invalidArgument } from './errors';
import { enums, jsonPayload, Payload, payloadValue } from './proto';

const T = enums.IndexedValueType;

/** Search attributes every namespace has, as the real server's visibility defines them. */
export const systemSearchAttributes: Record<string, number> = {
  WorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD,
  RunId: T.INDEXED_VALUE_TYPE_KEYWORD,
  WorkflowType: T.INDEXED_VALUE_TYPE_KEYWORD,
  ExecutionStatus: T.INDEXED_VALUE_TYPE_KEYWORD,
  TaskQueue: T.INDEXED_VALUE_TYPE_KEYWORD,
  StartTime: T.INDEXED_VALUE_TYPE_DATETIME,
  CloseTime: T.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionTime: T.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionDuration: T.INDEXED_VALUE_TYPE_INT,
  HistoryLength: T.INDEXED_VALUE_TYPE_INT,
  HistorySizeBytes: T.INDEXED_VALUE_TYPE_INT,
  TemporalChangeVersion: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BuildIds: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BinaryChecksums: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export const typeNames: Record<number, string> = {
  [T.INDEXED_VALUE_TYPE_TEXT]: 'Text',
  [T.INDEXED_VALUE_TYPE_KEYWORD]: 'Keyword',
  [T.INDEXED_VALUE_TYPE_INT]: 'Int',
  [T.INDEXED_VALUE_TYPE_DOUBLE]: 'Double',
  [T.INDEXED_VALUE_TYPE_BOOL]: 'Bool',
  [T.INDEXED_VALUE_TYPE_DATETIME]: 'Datetime',
  [T.INDEXED_VALUE_TYPE_KEYWORD_LIST]: 'KeywordList',
};

export function attributeType(ctx: Ctx, namespace: string, name: string): number | undefined {
  return systemSearchAttributes[name] ?? ctx.namespaces.get(namespace)?.searchAttributes[name];
}

const predefined = new Set(['TemporalChangeVersion', 'BuildIds', 'BinaryChecksums']);

/** `Keyword`, `KEYWORD`, `keyword_list`, `INDEXED_VALUE_TYPE_INT` or the enum number, as the CLI and the SDK spell types. */
export function parseIndexedValueType(type: string | number): number {
  if (typeof type === 'number' && typeNames[type]) return type;
  const key = String(type).toUpperCase().replace(/^INDEXED_VALUE_TYPE_/, '').replace(/_/g, '');
  const found = Object.entries(typeNames).find(([, name]) => name.toUpperCase() === key);
  if (!found) throw invalidArgument(`unknown search attribute type ${type} (use one of ${Object.values(typeNames).join(', ')})`);
  return Number(found[0]);
}

/** A value of the given type, as a query or a payload holds it; undefined when it is not one. */
export function valueOfType(type: number, v: unknown): unknown {
  switch (type) {
    case T.INDEXED_VALUE_TYPE_KEYWORD: case T.INDEXED_VALUE_TYPE_TEXT: return typeof v === 'string' ? v : undefined;
    case T.INDEXED_VALUE_TYPE_INT: return Number.isInteger(v) ? v : undefined;
    case T.INDEXED_VALUE_TYPE_DOUBLE: return typeof v === 'number' ? v : undefined;
    case T.INDEXED_VALUE_TYPE_BOOL: return typeof v === 'boolean' ? v : undefined;
    case T.INDEXED_VALUE_TYPE_DATETIME: return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : undefined;
    case T.INDEXED_VALUE_TYPE_KEYWORD_LIST: return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
    default: return undefined;
  }
}

/** Decodes a payload as the registered type (a one-element list counts as its element): the value, null to remove, or an error. */
function decodeAttribute(type: number, payload: Payload): { value: unknown } | { error: string } {
  let v = payloadValue(payload);
  if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return { value: null };
  if (Array.isArray(v) && type !== T.INDEXED_VALUE_TYPE_KEYWORD_LIST) {
    if (v.length > 1) return { error: `list of values not allowed for type ${typeNames[type]}` };
    v = v[0];
  }
  const value = valueOfType(type, v);
  return value === undefined ? { error: `${JSON.stringify(v)} is not a valid value for type ${typeNames[type]}` } : { value };
}

/** Rejects attributes the namespace has not registered, system attributes, and values that are not of the registered type. */
export function validateSearchAttributes(ctx: Ctx, namespace: string, fields: Record<string, Payload> | null | undefined): void {
  for (const [name, payload] of Object.entries(fields ?? {})) {
    if (systemSearchAttributes[name] !== undefined && !predefined.has(name)) throw invalidArgument(`${name} attribute can't be set in SearchAttributes`);
    const type = attributeType(ctx, namespace, name);
    if (type === undefined) throw invalidArgument(`Namespace ${namespace} has no mapping defined for search attribute ${name}`);
    const decoded = decodeAttribute(type, payload);
    if ('error' in decoded) throw invalidArgument(`invalid value for search attribute ${name}: ${decoded.error}`);
  }
}

/** Applies attribute values to `into` as typed JSON payloads (the form visibility and describe serve); null removes. */
export function applySearchAttributes(ctx: Ctx, namespace: string, into: Record<string, Payload>, fields: Record<string, Payload> | null | undefined): void {
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const type = attributeType(ctx, namespace, name);
    const decoded = type === undefined ? undefined : decodeAttribute(type, payload);
    if (!decoded || 'error' in decoded) continue;
    if (decoded.value === null) delete into[name];
    else into[name] = jsonPayload(decoded.value, typeNames[type!]);
  }
}

/** The attributes with their registered type in the payload metadata, as the real server sends them out in history. */
export function withTypeMetadata<S extends { indexedFields?: Record<string, Payload> | null }>(ctx: Ctx, namespace: string, sa: S | null | undefined): S | null | undefined {
  if (!sa?.indexedFields) return sa;
  const indexedFields: Record<string, Payload> = {};
  for (const [name, payload] of Object.entries(sa.indexedFields)) {
    const type = attributeType(ctx, namespace, name);
    const typed = type !== undefined && !payload.metadata?.type && payload.data?.length && payloadValue(payload) !== null;
    indexedFields[name] = typed ? { ...payload, metadata: { ...payload.metadata, type: Buffer.from(typeNames[type]) } } : payload;
  }
  return { ...sa, indexedFields };
}
