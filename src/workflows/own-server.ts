import { sha256Hex } from './sha256';

/**
 * Patch id: orders started from this version give their server the panel external_id `ownExternalId(orderId)` (the
 * own-server marker) instead of the bare orderId, and wait for an allocate in flight when cancelled (see
 * allocateOptions). provisionServer asks once, before anything else (one patch: each costs the order a
 * TemporalChangeVersion search-attribute upsert); an order started before keeps looking up and deleting by its bare
 * orderId (with the ownership checks, see docs/security.md) and does not wait for its allocate.
 */
export const OWN_MARKER_PATCH = 'own-server-marker';

/** The panel's external_id column: varchar(191). */
export const PANEL_EXTERNAL_ID_MAX = 191;
const PREFIX = 'sq-';
const HASH_DIGITS = 16;

/**
 * The panel external_id of the server of order `orderId`: `sq-<orderId in lower case>-<16 hex digits of the SHA-256
 * of orderId's exact UTF-8 bytes>`. The panel compares external_ids under MySQL's utf8mb4_unicode_ci (case- and
 * trailing-space-insensitive): the marker has only lower-case letters, digits, `-` and `_` and ends in a hex digit,
 * so two markers collate equal only when they are the same bytes, and the hash of the exact id keeps orders whose
 * ids differ only in case apart (`Case-A` and `case-a` get different markers). The readable part is cut so the
 * whole stays within the panel's 191 characters (an API orderId has at most 64, so it is never cut). Pure: safe in
 * workflow code, the same in every process.
 */
export function ownExternalId(orderId: string): string {
  const room = PANEL_EXTERNAL_ID_MAX - PREFIX.length - 1 - HASH_DIGITS;
  return `${PREFIX}${orderId.toLowerCase().slice(0, room)}-${sha256Hex(orderId).slice(0, HASH_DIGITS)}`;
}

const MARKER = new RegExp(`^${PREFIX}(.*)-[0-9a-f]{${HASH_DIGITS}}$`);

/** Whether `externalId` has the shape of our marker (whatever order it names). */
export const isOwnMarker = (externalId: string): boolean => MARKER.test(externalId);

/** The order id in our marker, when it can be read back (ids in lower case, not cut); null otherwise. */
export function orderIdOfMarker(externalId: string): string | null {
  const candidate = MARKER.exec(externalId)?.[1];
  return candidate !== undefined && ownExternalId(candidate) === externalId ? candidate : null;
}

/** The external_id an order's server carries: the marker for orders started with OWN_MARKER_PATCH, else orderId. */
export const orderExternalId = (orderId: string, marker: boolean): string =>
  marker ? ownExternalId(orderId) : orderId;

/**
 * Whose server a step may adopt, change or delete: a server is the order's only when its external_id is exactly
 * `externalId` (not merely equal under the panel's collation) and its user, and the name and allocation when given,
 * are the order's. Anything else is a foreign server, never touched.
 */
export interface ServerClaim {
  /** The order's external_id: `ownExternalId(orderId)`, or the bare orderId for orders started before the marker. */
  externalId: string;
  /** The panel user the server was ordered for. */
  userId: number;
  /** The server name the order asked for (known to the order's own steps, not to later operations). */
  name?: string;
  /** The allocation the server was created on (the order's slot). */
  allocationId?: number;
}
