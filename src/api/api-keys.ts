import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * What a key may do. `panel`: create, read and cancel orders (what a billing panel needs); `operator`: everything,
 * including operator actions on parked orders and server operations; `read`: read-only (dashboards, monitoring).
 */
export const API_ROLES = ['panel', 'operator', 'read'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** One API key: its name (logged and recorded with the actions it takes) and role; the secret is never shown. */
export interface ApiKey {
  name: string;
  role: ApiRole;
  secret: string;
}

/** Who made a request, as the routes see it (never the secret). */
export interface ApiCaller {
  name: string;
  role: ApiRole;
}

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;
const MIN_SECRET = 16;

/**
 * Parses API_KEYS: comma-separated `name:role:secret` entries, e.g. `billing:panel:<secret>,ops:operator:<secret>`.
 * Throws an Error naming the entry by position (never echoing a secret) when one is malformed or repeated.
 */
export function parseApiKeys(text: string): ApiKey[] {
  const keys: ApiKey[] = [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const [name, role, ...rest] = entry.split(':');
    const secret = rest.join(':');
    const where = `entry ${i + 1}`;
    if (!name || !NAME.test(name)) throw new Error(`${where}: the name must be 1-64 letters, digits, _ . or -`);
    if (!(API_ROLES as readonly string[]).includes(role))
      throw new Error(`${where} (${name}): the role must be one of ${API_ROLES.join(', ')}`);
    if (secret.length < MIN_SECRET)
      throw new Error(`${where} (${name}): the secret must be at least ${MIN_SECRET} characters`);
    if (keys.some((k) => k.name === name)) throw new Error(`${where}: the name ${name} is used twice`);
    if (keys.some((k) => k.secret === secret)) throw new Error(`${where} (${name}): the secret is used twice`);
    keys.push({ name, role: role as ApiRole, secret });
  });
  if (!keys.length) throw new Error('no key given');
  return keys;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The configured keys, looked up in constant time: every key's digest is compared, whatever matched first. */
export class ApiKeyRing {
  private readonly entries: Array<{ caller: ApiCaller; digest: Buffer }>;

  constructor(keys: readonly ApiKey[]) {
    if (!keys.length) throw new Error('at least one API key is required');
    this.entries = keys.map(({ name, role, secret }) => ({ caller: { name, role }, digest: digest(secret) }));
  }

  find(secret: string): ApiCaller | undefined {
    const presented = digest(secret);
    let found: ApiCaller | undefined;
    for (const entry of this.entries) if (timingSafeEqual(presented, entry.digest)) found ??= entry.caller;
    return found;
  }
}
