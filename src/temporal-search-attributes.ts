import { status } from '@grpc/grpc-js';
import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ORDER_SEARCH_ATTRIBUTES } from './workflows/contract';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

export type SearchAttributeOutcome =
  | { ok: true; added: string[] }
  | {
      ok: false;
      reason: string;
      howToFix: string;
      /** Temporal did not answer: worth trying again later. */ unreachable: boolean;
    };

const grpcCode = (err: unknown) => (err as { code?: number }).code;

/** The `temporal` CLI commands that register the order search attributes by hand (e.g. where the API key may not). */
export function manualRegistration(namespace: string): string {
  return ORDER_SEARCH_ATTRIBUTES.map(
    (key) =>
      `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${key.type === 'INT' ? 'Int' : 'Keyword'}`,
  ).join('\n');
}

/**
 * Registers OrderStatus (Keyword), UserId (Int), Tier (Keyword), ServerStatus (Keyword) and NodeId (Int) when missing; idempotent.
 * An attribute that exists with another type is an error, as is a server that refuses (Temporal Cloud: register them
 * with tcld or the Cloud UI).
 */
export async function ensureSearchAttributes(
  connection: ConnectionLike,
  namespace: string,
): Promise<SearchAttributeOutcome> {
  const howToFix = manualRegistration(namespace);
  try {
    const deadline = () => Date.now() + 10_000;
    const { customAttributes } = await connection.withDeadline(deadline(), () =>
      connection.operatorService.listSearchAttributes({ namespace }),
    );
    const existing = customAttributes ?? {};
    const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
    for (const key of ORDER_SEARCH_ATTRIBUTES) {
      const wanted = IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
      const found = existing[key.name];
      if (found === undefined) missing[key.name] = wanted;
      else if (Number(found) !== wanted) {
        return {
          ok: false,
          reason: `search attribute ${key.name} exists with another type (expected ${key.type})`,
          howToFix,
          unreachable: false,
        };
      }
    }
    if (Object.keys(missing).length === 0) return { ok: true, added: [] };
    try {
      await connection.withDeadline(deadline(), () =>
        connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing }),
      );
    } catch (err) {
      if (grpcCode(err) !== status.ALREADY_EXISTS) throw err;
    }
    return { ok: true, added: Object.keys(missing) };
  } catch (err) {
    const code = grpcCode(err);
    const reason =
      code === status.PERMISSION_DENIED || code === status.UNIMPLEMENTED
        ? 'the server does not let this client register search attributes'
        : `could not register search attributes: ${err instanceof Error ? err.message : String(err)}`;
    const unreachable = code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED;
    return { ok: false, reason, howToFix, unreachable };
  }
}
