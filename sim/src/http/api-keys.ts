import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { PanelError, sendPanelError } from './errors';

/** The Application API's ACL resources (AdminAcl::RESOURCE_*; stored as `r_<resource>` on the key). */
export const ACL_RESOURCES = [
  'servers',
  'nodes',
  'allocations',
  'users',
  'locations',
  'nests',
  'eggs',
  'database_hosts',
  'server_databases',
] as const;
export type AclResource = (typeof ACL_RESOURCES)[number];
export type AclLevel = 'none' | 'r' | 'rw';

export const apiKeyInputSchema = z.strictObject({
  key: z.string().min(1),
  /** The admin user the key belongs to: the rate limit is this user's, shared by all of its keys. */
  user: z.string().min(1).default('admin'),
  /** A key of a user who is not root admin is refused everywhere (403). */
  rootAdmin: z.boolean().default(true),
  /** Absent: every resource `rw`; given: the listed levels, every other resource `none`. */
  permissions: z.partialRecord(z.enum(ACL_RESOURCES), z.enum(['none', 'r', 'rw'])).optional(),
});
export type ApiKeyInput = z.input<typeof apiKeyInputSchema>;
export type ApiKey = z.output<typeof apiKeyInputSchema>;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Application API keys: the configured one (full rights, user `admin`), the options' and those added at run time. A
 * key added at run time replaces one with the same secret (e.g. narrows the configured key) until reset.
 */
export class ApiKeyRegistry {
  private extra: ApiKey[] = [];
  private readonly initial: ApiKey[];

  constructor(defaultKey: string, configured: ApiKey[] = []) {
    this.initial = [{ key: defaultKey, user: 'admin', rootAdmin: true }, ...configured];
  }

  add(key: ApiKey): void {
    this.extra = [...this.extra.filter((k) => k.key !== key.key), key];
  }

  /** Forgets the keys added at run time. */
  reset(): void {
    this.extra = [];
  }

  /** The key `token` names (compared in constant time per key), or undefined. */
  find(token: string): ApiKey | undefined {
    const wanted = digest(token);
    let match: ApiKey | undefined;
    for (const key of [...this.extra, ...this.initial]) {
      if (timingSafeEqual(digest(key.key), wanted) && !match) match = key;
    }
    return match;
  }
}

/** The level `key` has on `resource` (AdminAcl::check). */
export function accessOf(key: ApiKey, resource: AclResource): AclLevel {
  if (!key.permissions) return 'rw';
  return key.permissions[resource] ?? 'none';
}

/** The ACL resource a request acts on (the FormRequest's `$resource`), or null for a path no route serves. */
export function resourceOf(path: string): AclResource | null {
  if (/^\/nodes\/[^/]+\/allocations(\/|$)/.test(path)) return 'allocations';
  if (/^\/nests\/[^/]+\/eggs(\/|$)/.test(path)) return 'eggs';
  const first = /^\/([a-z_]+)/.exec(path)?.[1];
  return (ACL_RESOURCES as readonly string[]).includes(first ?? '') ? (first as AclResource) : null;
}

/** The panel's FormRequest authorization: a read needs `r`, anything else `rw`; else 403. */
export function authorizeResource(): RequestHandler {
  return (req, res, next) => {
    const key = res.locals.apiKeyEntry as ApiKey;
    const resource = resourceOf(req.path);
    if (!resource) return next();
    const level = accessOf(key, resource);
    const needed: AclLevel = req.method === 'GET' || req.method === 'HEAD' ? 'r' : 'rw';
    if (level === 'rw' || level === needed) return next();
    sendPanelError(res, new PanelError(403, 'AccessDeniedHttpException', 'This action is unauthorized.'));
  };
}
