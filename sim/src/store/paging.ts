import type Database from 'better-sqlite3';

export interface Condition {
  sql: string;
  params: unknown[];
}
export interface PageRequest {
  page: number;
  perPage: number;
}
export interface Page<T> {
  rows: T[];
  total: number;
  page: number;
  perPage: number;
}

function whereClause(conditions: Condition[]): { sql: string; params: unknown[] } {
  if (conditions.length === 0) return { sql: '', params: [] };
  return {
    sql: `WHERE ${conditions.map((c) => `(${c.sql})`).join(' AND ')}`,
    params: conditions.flatMap((c) => c.params),
  };
}

/** Runs `baseSelect` (a SELECT without WHERE) filtered, ordered and cut to one page, plus the total count. */
export function selectPage<T>(
  db: Database.Database,
  baseSelect: string,
  conditions: Condition[],
  orderBy: string,
  request: PageRequest,
): Page<T> {
  const where = whereClause(conditions);
  const total = (
    db.prepare(`SELECT COUNT(*) AS c FROM (${baseSelect} ${where.sql})`).get(...where.params) as { c: number }
  ).c;
  const rows = db
    .prepare(`${baseSelect} ${where.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
    .all(...where.params, request.perPage, (request.page - 1) * request.perPage) as T[];
  return { rows, total, page: request.page, perPage: request.perPage };
}

export function selectAll<T>(db: Database.Database, baseSelect: string, conditions: Condition[], orderBy: string): T[] {
  const where = whereClause(conditions);
  return db.prepare(`${baseSelect} ${where.sql} ORDER BY ${orderBy}`).all(...where.params) as T[];
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Case-insensitive substring match on any of `values` (Spatie query builder's partial filter). */
export function partialMatch(column: string, values: string[]): Condition {
  return {
    sql: values.map(() => `LOWER(${column}) LIKE ? ESCAPE '\\'`).join(' OR '),
    params: values.map((v) => `%${escapeLike(v.toLowerCase())}%`),
  };
}

/** Exact match on any of `values` (Spatie query builder's exact filter). */
export function exactMatch(column: string, values: unknown[]): Condition {
  return { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: values };
}
