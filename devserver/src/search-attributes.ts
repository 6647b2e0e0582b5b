import type { Ctx } from './ctx';
import { invalidArgument } from './errors';
import { enums, Payload, payloadType } from './proto';

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

/** Rejects values for search attributes the namespace has not registered, or of another type than registered. */
export function validateSearchAttributes(ctx: Ctx, namespace: string, fields: Record<string, Payload> | null | undefined): void {
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const custom = ctx.namespaces.get(namespace)?.searchAttributes[name];
    if (custom === undefined) {
      if (name.startsWith('Temporal') || name === 'BuildIds' || name === 'BinaryChecksums') continue;
      throw invalidArgument(`Namespace ${namespace} has no mapping defined for search attribute ${name}`);
    }
    const declared = payloadType(payload);
    if (declared && typeNames[custom] && declared !== typeNames[custom]) {
      throw invalidArgument(`invalid value for search attribute ${name} of type ${typeNames[custom]}: type ${declared} given`);
    }
  }
}
