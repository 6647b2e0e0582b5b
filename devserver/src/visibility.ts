import type { Ctx, Run } from './ctx';
import { executionInfo } from './describe';
import { invalidArgument } from './errors';
import { enums, jsonPayload, payloadValue, temporal, Plain } from './proto';
import { Expr, parseQuery, Value } from './query-parser';
import { attributeType } from './search-attributes';

const T = enums.IndexedValueType;
const statusNames: Record<number, string> = {
  1: 'Running', 2: 'Completed', 3: 'Failed', 4: 'Canceled', 5: 'Terminated', 6: 'ContinuedAsNew', 7: 'TimedOut',
};

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
    case 'ExecutionDuration': return s.closeTime !== undefined ? (s.closeTime - s.executionTime) * 1e6 : undefined;
    default: return payloadValue(s.searchAttributes[field]);
  }
}

function normalize(type: number | undefined, v: unknown): unknown {
  if (type === T.INDEXED_VALUE_TYPE_DATETIME && typeof v === 'string') return Date.parse(v);
  return v;
}

function compare(type: number | undefined, actual: unknown, cmp: string, raw: Value): boolean {
  if (actual === undefined || actual === null) return cmp === '!=';
  if (Array.isArray(actual)) {
    const has = actual.some((a) => compare(T.INDEXED_VALUE_TYPE_KEYWORD, a, '=', raw));
    return cmp === '!=' ? !has : cmp === '=' ? has : false;
  }
  const a = normalize(type, actual) as string | number | boolean;
  const v = normalize(type, raw) as string | number | boolean;
  if (type === T.INDEXED_VALUE_TYPE_TEXT && (cmp === '=' || cmp === '!=')) {
    const has = String(a).toLowerCase().includes(String(v).toLowerCase());
    return cmp === '=' ? has : !has;
  }
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

function matches(ctx: Ctx, run: Run, e: Expr | undefined): boolean {
  if (!e) return true;
  if (e.op === 'and' || e.op === 'or') {
    return e.op === 'and' ? matches(ctx, run, e.left) && matches(ctx, run, e.right) : matches(ctx, run, e.left) || matches(ctx, run, e.right);
  }
  const type = attributeType(ctx, run.state.namespace, e.field);
  if (type === undefined) throw invalidArgument(`invalid query: unknown search attribute ${e.field}`);
  const actual = fieldValue(run, e.field);
  if (e.op === 'null') return (actual === undefined || actual === null) !== e.negate;
  if (e.op === 'in') return e.values.some((v) => compare(type, actual, '=', v)) !== e.negate;
  if (e.op === 'between') return compare(type, actual, '>=', e.low) && compare(type, actual, '<=', e.high);
  return compare(type, actual, e.cmp, e.value);
}

function select(ctx: Ctx, namespace: string, query: string | null | undefined) {
  const parsed = parseQuery(query);
  const runs = [...ctx.runs.values()].filter((r) => r.state.namespace === namespace && matches(ctx, r, parsed.where));
  const order = parsed.orderBy ?? { field: 'StartTime', desc: true };
  const key = (r: Run) => (fieldValue(r, order.field) ?? -Infinity) as number | string;
  runs.sort((x, y) => {
    const a = key(x);
    const b = key(y);
    const c = a < b ? -1 : a > b ? 1 : x.state.runId < y.state.runId ? -1 : 1;
    return order.desc ? -c : c;
  });
  return { runs, parsed };
}

export function listWorkflows(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IListWorkflowExecutionsRequest>) {
  const namespace = ctx.namespace(req.namespace).name;
  const { runs } = select(ctx, namespace, req.query);
  const offset = req.nextPageToken?.length ? Number(Buffer.from(req.nextPageToken).toString()) : 0;
  const size = req.pageSize && req.pageSize > 0 ? req.pageSize : 1000;
  const page = runs.slice(offset, offset + size);
  const more = offset + size < runs.length;
  return { executions: page.map(executionInfo), nextPageToken: more ? Buffer.from(String(offset + size)) : undefined };
}

export function countWorkflows(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.ICountWorkflowExecutionsRequest>) {
  const namespace = ctx.namespace(req.namespace).name;
  const { runs, parsed } = select(ctx, namespace, req.query);
  if (!parsed.groupBy) return { count: runs.length };
  if (parsed.groupBy !== 'ExecutionStatus') throw invalidArgument('invalid query: GROUP BY is only supported on ExecutionStatus');
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(statusNames[r.state.status], (counts.get(statusNames[r.state.status]) ?? 0) + 1);
  return { count: runs.length, groups: [...counts].map(([value, count]) => ({ groupValues: [jsonPayload(value, 'Keyword')], count })) };
}
