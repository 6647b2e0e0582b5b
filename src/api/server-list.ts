import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { TIERS, TierAttribute, UserIdAttribute, type Tier } from '../workflows/contract';
import {
  NodeIdAttribute,
  SERVER_LIFECYCLE_WORKFLOW_TYPE,
  SERVER_STATUSES,
  orderIdOfEntity,
  ServerStatusAttribute,
  type ServerStatus,
} from '../workflows/server-entity-contract';
import type { ListServersQuery } from './schemas';
import { serverLinks, type ServerLinks } from './server-entities';
import { visibilityPage } from './visibility-page';

/** One server in GET /v1/servers, as its entity's search attributes record it. */
export interface ServerSummary {
  orderId: string;
  status: ServerStatus | null;
  tier: Tier | null;
  userId: number | null;
  node: number | null;
  createdAt: string;
  /** When the entity ended (its server deleted, or the entity stopped by hand); null while it runs. */
  closedAt: string | null;
  links: ServerLinks;
}

export interface ServerPage {
  servers: ServerSummary[];
  nextCursor: string | null;
}

export function serverVisibilityQuery(filters: Omit<ListServersQuery, 'limit' | 'cursor'>): string {
  const clauses = [`WorkflowType = '${SERVER_LIFECYCLE_WORKFLOW_TYPE}'`];
  if (filters.userId !== undefined) clauses.push(`UserId = ${filters.userId}`);
  if (filters.status) clauses.push(`ServerStatus = '${filters.status}'`);
  if (filters.node !== undefined) clauses.push(`NodeId = ${filters.node}`);
  if (filters.tier) clauses.push(`Tier = '${filters.tier}'`);
  return clauses.join(' AND ');
}

function summaryOf(info: WorkflowExecutionInfo): ServerSummary {
  const attributes = info.typedSearchAttributes;
  const orderId = orderIdOfEntity(info.workflowId);
  const status = attributes.get(ServerStatusAttribute) ?? '';
  const tier = attributes.get(TierAttribute) ?? '';
  return {
    orderId,
    status: (SERVER_STATUSES as readonly string[]).includes(status) ? (status as ServerStatus) : null,
    tier: (TIERS as readonly string[]).includes(tier) ? (tier as Tier) : null,
    userId: attributes.get(UserIdAttribute) ?? null,
    node: attributes.get(NodeIdAttribute) ?? null,
    createdAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString() ?? null,
    links: serverLinks(orderId),
  };
}

/** One page of servers through Temporal visibility (running entities first, newest first). */
export async function listServers(client: Client, params: ListServersQuery): Promise<ServerPage> {
  const page = await visibilityPage(client, serverVisibilityQuery(params), params.limit, params.cursor);
  return { servers: page.executions.map(summaryOf), nextCursor: page.nextCursor };
}
