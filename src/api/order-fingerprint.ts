import { createHash } from 'node:crypto';
import type { Order } from '../workflows/contract';

/** Memo key holding the fingerprint of the order a workflow was started with. */
export const ORDER_FINGERPRINT_MEMO = 'orderFingerprint';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** sha256 of the order as canonical JSON (sorted keys), so the same order sent twice has the same fingerprint. */
export function orderFingerprint(order: Order): string {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(canonical(order)))
    .digest('hex')}`;
}
