import type { Request } from 'express';
import type { Page, PageRequest } from '../store/paging';
import { PanelError } from './errors';

export type Attributes = Record<string, unknown>;
export interface Item {
  object: string;
  attributes: object;
}

export function item(object: string, attributes: object): Item {
  return { object, attributes };
}

function positiveInt(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) return null;
  const parsed = Number(value);
  return parsed >= 1 ? parsed : null;
}

/** `?page=` (default 1) and `?per_page=` (default 50), as Laravel's paginator reads them. */
export function pageRequest(req: Request): PageRequest {
  return { page: positiveInt(req.query.page) ?? 1, perPage: positiveInt(req.query.per_page) ?? 50 };
}

function pageUrl(req: Request, page: number): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${req.path}?page=${page}`;
}

/** A paginated list: `{object:'list', data, meta.pagination}`; links carry only `?page=`, like the panel's. */
export function pagedList<T>(req: Request, page: Page<T>, object: string, transform: (row: T) => object) {
  const totalPages = Math.max(1, Math.ceil(page.total / page.perPage));
  const links: Record<string, string> = {};
  if (page.page > 1) links.previous = pageUrl(req, page.page - 1);
  if (page.page < totalPages) links.next = pageUrl(req, page.page + 1);
  return {
    object: 'list',
    data: page.rows.map((row) => item(object, transform(row))),
    meta: {
      pagination: {
        total: page.total,
        count: page.rows.length,
        per_page: page.perPage,
        current_page: page.page,
        total_pages: totalPages,
        links,
      },
    },
  };
}

/** An unpaginated list (a relationship or a collection endpoint): `{object:'list', data}`. */
export function plainList<T>(rows: T[], object: string, transform: (row: T) => object) {
  return { object: 'list', data: rows.map((row) => item(object, transform(row))) };
}

export function includes(req: Request): Set<string> {
  const raw = req.query.include;
  return new Set(
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );
}

/** `?filter[name]=a,b` values by filter name; a filter outside `allowed` is a 400 InvalidFilterQuery. */
export function filters(req: Request, allowed: string[]): Map<string, string[]> {
  const raw = req.query.filter;
  const result = new Map<string, string[]>();
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return result;
  const unknown = Object.keys(raw).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    throw new PanelError(
      400,
      'InvalidFilterQuery',
      `Requested filter(s) \`${unknown.join(', ')}\` are not allowed. Allowed filter(s) are \`${allowed.join(', ')}\`.`,
    );
  }
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const values = (Array.isArray(value) ? value : [value])
      .flatMap((v) => (typeof v === 'string' ? v.split(',') : []))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length > 0) result.set(name, values);
  }
  return result;
}

/** `?sort=id` / `?sort=-uuid` as an ORDER BY clause; a sort outside `allowed` is a 400 InvalidSortQuery. */
export function sortClause(req: Request, allowed: string[], fallback: string): string {
  const raw = req.query.sort;
  if (typeof raw !== 'string' || raw.trim() === '') return fallback;
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = parts.filter((p) => !allowed.includes(p.replace(/^-/, '')));
  if (unknown.length > 0) {
    throw new PanelError(
      400,
      'InvalidSortQuery',
      `Requested sort(s) \`${unknown.join(', ')}\` is not allowed. Allowed sort(s) are \`${allowed.join(', ')}\`.`,
    );
  }
  return [...parts.map((p) => (p.startsWith('-') ? `${p.slice(1)} DESC` : `${p} ASC`)), fallback].join(', ');
}
