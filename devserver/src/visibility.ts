import type { Ctx, Run } from './ctx';
import { executionInfo } from './describe';
import { invalidArgument } from './errors';
import { enums, jsonPayload, payloadValue, temporal, Plain } from './proto';
import { Expr, parseQuery, ParsedQuery, Value } from './query-parser';
import { attributeType, typeNames, valueOfType } from './search-attributes';

const T = enums.IndexedValueType;
const statusNames: Record<number, string> = {
  1: 'Running', 2: 'Completed', 3: 'Failed', 4: 'Canceled', 5: 'Terminated', 6: 'ContinuedAsNew', 7: 'TimedOut',
};
type Scalar = string | number | boolean | null;

function fieldValue(run: Run, field: string): unknown {
  const s = run.state;
  switch (field) {
    case 'WorkflowId': return s.workflowId;
    case 'RunId': return s.runId;
    case 'WorkflowType': return s.workflowType;
    case 'ExecutionStatus': return statusNames[s.status];
    case 'TaskQueue': return s.taskQueue;
    case 'StartTime': return s.startTime;
    case 'CloseTime': return s.closeTime;
    case 'ExecutionTime': return s.executionTime;
    case 'HistoryLength': return run.events.length;
    case 'HistorySizeBytes': return s.historySizeBytes;
    case 'ExecutionDuration': return s.closeTime !== undefined ? (s.closeTime - s.executionTime) * 1e6 : undefined;
    default: return decodedAttribute(s.searchAttributes[field]);
  }
}

/** Search attribute payloads are replaced, never mutated, on upsert: their decoded value is cached per payload. */
const decoded = new WeakMap<object, unknown>();

function decodedAttribute(p: Parameters<typeof payloadValue>[0]): unknown {
  if (!p) return undefined;
  if (decoded.has(p)) return decoded.get(p);
  const value = payloadValue(p);
  decoded.set(p, value);
  return value;
}

/** A comparable form: datetimes as epoch ms, absent as null. */
function comparable(type: number, v: unknown): Scalar {
  if (v === undefined || v === null) return null;
  if (type === T.INDEXED_VALUE_TYPE_DATETIME && typeof v === 'string') return Date.parse(v);
  return v as Scalar;
}

const words = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function compare(type: number, actual: unknown, cmp: string, raw: Value): boolean {
  if (actual === undefined || actual === null) return cmp === '!=';
  if (Array.isArray(actual)) {
    const has = actual.includes(raw);
    return cmp === '!=' ? !has : has;
  }
  if (type === T.INDEXED_VALUE_TYPE_TEXT) {
    const have = new Set(words(String(actual)));
    const has = words(String(raw)).every((w) => have.has(w));
    return cmp === '=' ? has : !has;
  }
  const a = comparable(type, actual)!;
  const v = comparable(type, raw)!;
  switch (cmp) {
    case '=': return a === v;
    case '!=': return a !== v;
    case '<': return a < v;
    case '<=': return a <= v;
    case '>': return a > v;
    case '>=': return a >= v;
    case 'starts_with': return String(a).startsWith(String(v));
    default: return false;
  }
}

type Predicate = (run: Run) => boolean;

/** The query's condition as a predicate, with each attribute's type looked up once (queries are validated first). */
function predicate(ctx: Ctx, namespace: string, e: Expr | undefined): Predicate {
  if (!e) return () => true;
  if (e.op === 'and' || e.op === 'or') {
    const left = predicate(ctx, namespace, e.left);
    const right = predicate(ctx, namespace, e.right);
    return e.op === 'and' ? (run) => left(run) && right(run) : (run) => left(run) || right(run);
  }
  const type = attributeType(ctx, namespace, e.field)!;
  const { field } = e;
  if (e.op === 'null') return (run) => { const v = fieldValue(run, field); return (v === undefined || v === null) !== e.negate; };
  if (e.op === 'in') return (run) => { const v = fieldValue(run, field); return e.values.some((x) => compare(type, v, '=', x)) !== e.negate; };
  if (e.op === 'between') return (run) => { const v = fieldValue(run, field); return compare(type, v, '>=', e.low) && compare(type, v, '<=', e.high); };
  return (run) => compare(type, fieldValue(run, field), e.cmp, e.value);
}

const ordered = new Set(['<', '<=', '>', '>=', 'between', 'starts_with']);

/** Rejects unknown attributes, operators the attribute's type lacks and values of another type, whatever the data. */
function check(ctx: Ctx, namespace: string, e: Expr | undefined): void {
  if (!e) return;
  if (e.op === 'and' || e.op === 'or') return (check(ctx, namespace, e.left), check(ctx, namespace, e.right));
  const type = attributeType(ctx, namespace, e.field);
  if (type === undefined) throw invalidArgument(`invalid query: unknown or unsupported search attribute ${e.field}`);
  const name = typeNames[type];
  const op = e.op === 'cmp' ? e.cmp : e.op;
  const list = type === T.INDEXED_VALUE_TYPE_KEYWORD_LIST || type === T.INDEXED_VALUE_TYPE_TEXT;
  if ((ordered.has(op) && list) || (op === 'starts_with' && type !== T.INDEXED_VALUE_TYPE_KEYWORD) || (op === 'in' && type === T.INDEXED_VALUE_TYPE_TEXT)) {
    throw invalidArgument(`invalid query: operator ${op.toUpperCase()} is not supported on ${name} attribute ${e.field}`);
  }
  const values = e.op === 'cmp' ? [e.value] : e.op === 'in' ? e.values : e.op === 'between' ? [e.low, e.high] : [];
  const scalarType = type === T.INDEXED_VALUE_TYPE_KEYWORD_LIST ? T.INDEXED_VALUE_TYPE_KEYWORD : type;
  for (const v of values) {
    const bad = valueOfType(scalarType, v) === undefined || (e.field === 'ExecutionStatus' && !Object.values(statusNames).includes(String(v)));
    if (bad) throw invalidArgument(`invalid query: ${JSON.stringify(v)} is not a valid value for ${name} attribute ${e.field}`);
  }
}

function validated(ctx: Ctx, namespace: string, query: string | null | undefined): ParsedQuery {
  const parsed = parseQuery(query);
  check(ctx, namespace, parsed.where);
  if (parsed.orderBy) {
    const type = attributeType(ctx, namespace, parsed.orderBy.field);
    if (type === undefined || type === T.INDEXED_VALUE_TYPE_TEXT || type === T.INDEXED_VALUE_TYPE_KEYWORD_LIST) {
      throw invalidArgument(`invalid query: cannot ORDER BY ${parsed.orderBy.field}`);
    }
  }
  if (parsed.groupBy && parsed.groupBy !== 'ExecutionStatus') throw invalidArgument('invalid query: GROUP BY is only supported on ExecutionStatus');
  return parsed;
}

type Key = Scalar[];
interface Order { key(run: Run): Key; desc: boolean[] }

/** ORDER BY field, or the real server's default: open runs first, then by CloseTime, then StartTime, newest first. */
function orderOf(ctx: Ctx, namespace: string, parsed: ParsedQuery): Order {
  const by = parsed.orderBy;
  if (!by) return { key: (r) => [r.state.closeTime ?? Number.MAX_SAFE_INTEGER, r.state.startTime, r.state.runId], desc: [true, true, false] };
  const type = attributeType(ctx, namespace, by.field)!;
  return { key: (r) => [comparable(type, fieldValue(r, by.field)), r.state.runId], desc: [by.desc, false] };
}

function compareKeys(a: Key, b: Key, desc: boolean[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return desc[i] ? -c : c;
  }
  return 0;
}

function select(ctx: Ctx, namespace: string, parsed: ParsedQuery): Run[] {
  const matches = predicate(ctx, namespace, parsed.where);
  const candidates = ctx.visibility.candidates(namespace, parsed.where, (field) => attributeType(ctx, namespace, field)) ?? ctx.runs.values();
  return [...candidates].filter((r) => r.state.namespace === namespace && matches(r));
}

export function listWorkflows(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IListWorkflowExecutionsRequest>) {
  const namespace = ctx.namespace(req.namespace).name;
  const parsed = validated(ctx, namespace, req.query);
  if (parsed.groupBy) throw invalidArgument('invalid query: GROUP BY is only supported by CountWorkflowExecutions');
  const order = orderOf(ctx, namespace, parsed);
  let after: Key | undefined;
  if (req.nextPageToken?.length) {
    try {
      after = JSON.parse(Buffer.from(req.nextPageToken).toString()) as Key;
    } catch {
      throw invalidArgument('Invalid NextPageToken.');
    }
  }
  const keyed = select(ctx, namespace, parsed).map((run) => ({ run, key: order.key(run) }))
    .filter((k) => !after || compareKeys(k.key, after, order.desc) > 0)
    .sort((x, y) => compareKeys(x.key, y.key, order.desc));
  const size = req.pageSize && req.pageSize > 0 ? req.pageSize : 1000;
  const page = keyed.slice(0, size);
  const more = keyed.length > size;
  return { executions: page.map((k) => executionInfo(k.run)), nextPageToken: more ? Buffer.from(JSON.stringify(page[page.length - 1].key)) : undefined };
}

export function countWorkflows(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.ICountWorkflowExecutionsRequest>) {
  const namespace = ctx.namespace(req.namespace).name;
  const parsed = validated(ctx, namespace, req.query);
  const runs = select(ctx, namespace, parsed);
  if (!parsed.groupBy) return { count: runs.length };
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(statusNames[r.state.status], (counts.get(statusNames[r.state.status]) ?? 0) + 1);
  return { count: runs.length, groups: [...counts].map(([value, count]) => ({ groupValues: [jsonPayload(value, 'Keyword')], count })) };
}
