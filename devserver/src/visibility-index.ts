import type { Run } from './ctx';
import { enums, payloadValue } from './proto';
import type { Expr, Value } from './query-parser';

const T = enums.IndexedValueType;

/** Attribute types whose `=` is exact equality of the stored value (Text matches words, Datetime parses). */
const EXACT_TYPES: ReadonlySet<number> = new Set([T.INDEXED_VALUE_TYPE_KEYWORD, T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  T.INDEXED_VALUE_TYPE_INT, T.INDEXED_VALUE_TYPE_BOOL]);

const keyOf = (namespace: string, field: string, value: unknown): string => `${namespace}\u0000${field}\u0000${JSON.stringify(value)}`;

/**
 * Exact-value index of runs by custom search attribute (each element of a KeywordList) and by WorkflowId,
 * WorkflowType and TaskQueue, so a visibility query with an equality condition on one of them reads only the runs
 * with that value instead of every run. Callers re-index a run whenever its search attributes change.
 */
export class VisibilityIndex {
  private readonly byKey = new Map<string, Set<Run>>();
  private readonly keysOfRun = new Map<Run, string[]>();

  update(run: Run): void {
    this.remove(run);
    const s = run.state;
    const keys = [keyOf(s.namespace, 'WorkflowId', s.workflowId), keyOf(s.namespace, 'WorkflowType', s.workflowType),
      keyOf(s.namespace, 'TaskQueue', s.taskQueue)];
    for (const [field, payload] of Object.entries(s.searchAttributes)) {
      const value = payloadValue(payload);
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') keys.push(keyOf(s.namespace, field, v));
      }
    }
    for (const key of keys) {
      let runs = this.byKey.get(key);
      if (!runs) this.byKey.set(key, (runs = new Set()));
      runs.add(run);
    }
    this.keysOfRun.set(run, keys);
  }

  remove(run: Run): void {
    for (const key of this.keysOfRun.get(run) ?? []) {
      const runs = this.byKey.get(key);
      runs?.delete(run);
      if (runs?.size === 0) this.byKey.delete(key);
    }
    this.keysOfRun.delete(run);
  }

  /**
   * The runs that can match `where`, from its most selective indexed condition required by every match (an `=`
   * or `IN` under ANDs only); undefined when no such condition exists (scan everything). A superset: callers still
   * evaluate the whole condition on each candidate.
   */
  candidates(namespace: string, where: Expr | undefined, typeOf: (field: string) => number | undefined): Set<Run> | undefined {
    const exact = (field: string) => INDEXED_SYSTEM_FIELDS.has(field) || (!SYSTEM_FIELDS.has(field) && EXACT_TYPES.has(typeOf(field) ?? -1));
    let best: Array<Set<Run>> | undefined;
    let bestSize = Infinity;
    for (const values of requiredEqualities(where, exact)) {
      const sets = values.map(({ field, value }) => this.byKey.get(keyOf(namespace, field, value))).filter((runs) => runs !== undefined);
      const size = sets.reduce((sum, runs) => sum + runs.size, 0);
      if (size < bestSize) [best, bestSize] = [sets, size];
    }
    if (!best) return undefined;
    if (best.length === 1) return best[0];
    const found = new Set<Run>();
    for (const runs of best) for (const run of runs) found.add(run);
    return found;
  }
}

type Alternatives = Array<{ field: string; value: Value }>;

function requiredEqualities(e: Expr | undefined, exact: (field: string) => boolean): Alternatives[] {
  if (!e) return [];
  if (e.op === 'and') return [...requiredEqualities(e.left, exact), ...requiredEqualities(e.right, exact)];
  if (e.op === 'cmp' && e.cmp === '=' && exact(e.field)) return [[{ field: e.field, value: e.value }]];
  if (e.op === 'in' && !e.negate && exact(e.field)) return [e.values.map((value) => ({ field: e.field, value }))];
  return [];
}

const INDEXED_SYSTEM_FIELDS = new Set(['WorkflowId', 'WorkflowType', 'TaskQueue']);
const SYSTEM_FIELDS = new Set([...INDEXED_SYSTEM_FIELDS, 'RunId', 'ExecutionStatus', 'StartTime', 'CloseTime', 'ExecutionTime',
  'HistoryLength', 'HistorySizeBytes', 'ExecutionDuration', 'TemporalChangeVersion', 'BuildIds', 'BinaryChecksums']);
