import type { SimState } from '../sim/src';
import { ownExternalId } from '../src/workflows/own-server';
import type { CallbackReceiver } from './receiver';

export interface Settled {
  orderId: string;
  status: string;
}

const SETTLED = new Set(['ACTIVE', 'FAILED', 'CANCELLED', 'NEEDS_ATTENTION']);
const WITH_CALLBACK = new Set(['ACTIVE', 'FAILED', 'CANCELLED', 'NEEDS_ATTENTION']);

/** The chaos suite's invariants over the accepted orders, their final views, the panel and the callbacks. */
export function checkInvariants(
  accepted: string[],
  settled: Map<string, Settled | null>,
  panel: SimState,
  receiver: CallbackReceiver,
): string[] {
  const failures: string[] = [];
  // An order's server carries its own-server marker; a server with any other external_id belongs to no order.
  const orderOf = new Map(accepted.map((id) => [ownExternalId(id), id]));
  const serversOf = new Map<string, number>();
  const unknown = new Map<string, number>();
  for (const s of panel.servers) {
    if (!s.external_id) continue;
    const id = orderOf.get(s.external_id);
    const counts = id === undefined ? unknown : serversOf;
    const key = id ?? s.external_id;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const serverIds = new Map(panel.servers.map((s) => [s.id, s.external_id ? orderOf.get(s.external_id) : undefined]));
  for (const id of accepted) {
    const view = settled.get(id);
    if (!view) {
      failures.push(`${id}: accepted but not found`);
      continue;
    }
    if (!SETTLED.has(view.status)) failures.push(`${id}: still ${view.status}`);
    const servers = serversOf.get(id) ?? 0;
    if (view.status === 'ACTIVE' && servers !== 1) failures.push(`${id}: ACTIVE with ${servers} servers`);
    if ((view.status === 'FAILED' || view.status === 'CANCELLED') && servers !== 0)
      failures.push(`${id}: ${view.status} but ${servers} server(s) left`);
    if (WITH_CALLBACK.has(view.status) && !receiver.eventsOf(id).some((e) => e.status === view.status)) {
      failures.push(`${id}: no ${view.status} callback`);
    }
  }
  for (const [externalId, n] of unknown) failures.push(`server(s) for unknown order ${externalId}: ${n}`);
  for (const a of panel.allocations) {
    if (a.server === null) continue;
    const owner = serverIds.get(a.server);
    const status = owner ? settled.get(owner)?.status : undefined;
    if (owner && status !== 'ACTIVE' && status !== 'NEEDS_ATTENTION')
      failures.push(`allocation ${a.id} held for ${owner} (${status})`);
  }
  return failures;
}

/** A server's entity as GET /v1/servers/:id shows it (the fields the invariants read). */
export interface EntityView {
  status: string;
  server: { id: number };
  suspendedBy: { billing: boolean; operator: boolean };
  operations: Array<{ status: string }>;
}

/**
 * Every ACTIVE order has its server's entity, on the server the panel has for it, agreeing with the panel about the
 * suspension; every server that went overdue and was paid is ACTIVE, suspended by nobody, and not suspended on the panel.
 */
export function checkEntities(
  active: string[],
  entities: Map<string, EntityView | null>,
  billed: Set<string>,
  panel: SimState,
): string[] {
  const failures: string[] = [];
  for (const id of active) {
    const entity = entities.get(id);
    const server = panel.servers.find((s) => s.external_id === ownExternalId(id));
    if (!entity) {
      failures.push(`${id}: ACTIVE without a server entity`);
      continue;
    }
    if (!server) continue;
    if (entity.server.id !== server.id)
      failures.push(`${id}: entity on server ${entity.server.id}, panel ${server.id}`);
    if ((entity.status === 'SUSPENDED') !== Boolean(server.suspended))
      failures.push(`${id}: entity ${entity.status}, panel suspended=${String(server.suspended)}`);
    if (billed.has(id) && (entity.status !== 'ACTIVE' || entity.suspendedBy.billing || entity.suspendedBy.operator))
      failures.push(`${id}: paid but ${entity.status} (suspended by ${JSON.stringify(entity.suspendedBy)})`);
  }
  return failures;
}
