import type { Request } from 'express';
import { normalizeInput } from '../validation/input';
import { notFound } from '../http/errors';

/** A numeric route parameter; anything else cannot match a row, so it is a 404. */
export function idParam(req: Request, name: string): number {
  const raw = req.params[name];
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw notFound();
  return Number(raw);
}

export function found<T>(row: T | undefined): T {
  if (row === undefined) throw notFound();
  return row;
}

/** The JSON body after the panel's input middleware; a non-object body reads as empty input. */
export function input(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  return normalizeInput(body) as Record<string, unknown>;
}

/** The query string after the panel's input middleware (trimmed, empty strings as null). */
export function query(req: Request): Record<string, unknown> {
  return normalizeInput(req.query) as Record<string, unknown>;
}
