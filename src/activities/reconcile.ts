import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { isProviderError, type PterodactylClient, type Server } from '../provider';
import { listWorkflows } from '../temporal-listing';
import type { ReconcileActivities } from '../workflows/activity-contract';
import { PROVISION_WORKFLOW_TYPE, orderIdOfOrder } from '../workflows/contract';
import { isOwnMarker, ownExternalId } from '../workflows/own-server';
import {
  RECONCILE_SETTLE_MS,
  REPORT_FINDINGS_KEPT,
  serverDrift,
  type PanelFacts,
  type ReconcileInput,
  type ReconcileReport,
} from '../workflows/reconcile-contract';
import { SERVER_LIFECYCLE_WORKFLOW_TYPE, isServerGone, orderIdOfEntity } from '../workflows/server-entity-contract';
import { busy, entityAccess } from './reconcile-entities';
import { strayAction } from './reconcile-strays';

export interface ReconcileDeps {
  client: Client;
  /** The process's panel client (through its flow control: every call within the provider budget). */
  panel: PterodactylClient;
  logger: Logger;
}

const PANEL_PAGE_SIZE = 100;
/** Workflows a sweep lists at most (entities, running orders). */
const MAX_LISTED = 100_000;

const factsOf = (server: Server): PanelFacts => ({
  serverId: server.id,
  suspended: server.suspended,
  limits: server.limits,
});

/**
 * reconcilePanel: one reconciliation sweep. Lists the running entities and orders (paced visibility pages), walks the
 * panel's servers a page at a time (each page one call within the provider budget), and compares: a marker server no
 * entity or running order holds is a stray (reported, adopted or deleted per policy); an entity whose server is not
 * on the panel (confirmed by a direct read) is marked LOST; a server whose suspension or limits differ from its
 * entity's is drift (reported, or corrected by the entity). Re-running it is harmless: it only compares again.
 */
export function reconcileActivities(deps: ReconcileDeps): ReconcileActivities {
  const { client, panel } = deps;
  const entity = entityAccess(client);

  return {
    async reconcilePanel(input: ReconcileInput): Promise<ReconcileReport> {
      const startedAt = Date.now();
      const settled = startedAt - (input.settleMs ?? RECONCILE_SETTLE_MS);
      const progress = (stage: string, n: number) => heartbeat({ stage, n });
      const entities = await listWorkflows(
        client,
        `WorkflowType = '${SERVER_LIFECYCLE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
        { max: MAX_LISTED, onPage: (n) => progress('entities', n) },
      );
      const orders = await listWorkflows(
        client,
        `WorkflowType = '${PROVISION_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
        { max: MAX_LISTED, onPage: (n) => progress('orders', n) },
      );
      const entityOf = new Map<string, string>();
      for (const { workflowId } of entities.workflows) {
        const orderId = orderIdOfEntity(workflowId);
        entityOf.set(ownExternalId(orderId), orderId).set(orderId, orderId);
      }
      const inFlight = new Set(orders.workflows.map((w) => ownExternalId(orderIdOfOrder(w.workflowId))));

      const report: ReconcileReport = {
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: '',
        policy: input.policy,
        panelServers: 0,
        ours: 0,
        entities: entities.workflows.length,
        counts: { strays: 0, lost: 0, drift: 0, skipped: 0 },
        strays: [],
        lost: [],
        drift: [],
        webhook: 'not_needed',
      };
      const keep = <T>(list: T[], item: T) => list.length < REPORT_FINDINGS_KEPT && list.push(item);
      const seen = new Set<string>();
      const panelIds = new Set<number>();
      const matched: Array<{ orderId: string; facts: PanelFacts }> = [];
      const strays: Server[] = [];
      for (let page = 1, pages = 1; page <= pages; page++) {
        const { items, pagination } = await panel.listServers({ page, perPage: PANEL_PAGE_SIZE });
        pages = pagination.total_pages;
        progress('panel', page);
        for (const server of items) {
          report.panelServers++;
          panelIds.add(server.id);
          const externalId = server.external_id ?? '';
          const orderId = entityOf.get(externalId);
          if (orderId !== undefined) {
            report.ours++;
            seen.add(orderId);
            matched.push({ orderId, facts: factsOf(server) });
          } else if (isOwnMarker(externalId)) {
            report.ours++;
            if (inFlight.has(externalId) || Date.parse(server.created_at) > settled) report.counts.skipped++;
            else strays.push(server);
          }
        }
      }

      for (const [i, server] of strays.entries()) {
        progress('strays', i);
        const finding = await strayAction({ ...deps, taskQueue: input.taskQueue }, server, input.policy.strays);
        if (finding === 'in_use') {
          report.counts.skipped++;
          continue;
        }
        report.counts.strays++;
        keep(report.strays, finding);
      }

      for (const [i, { orderId, facts }] of matched.entries()) {
        progress('drift', i);
        const state = await entity.state(orderId);
        if (state && state.server.id !== facts.serverId && !panelIds.has(state.server.id)) seen.delete(orderId);
        if (!state || isServerGone(state.status) || state.server.id !== facts.serverId || busy(state)) continue;
        const drift = serverDrift(state, facts);
        if (drift.length === 0) continue;
        report.counts.drift++;
        const base = { orderId, serverId: facts.serverId, drift };
        if (input.policy.drift === 'report') keep(report.drift, { ...base, action: 'reported', detail: 'reported' });
        else {
          const told = await entity.tell(orderId, facts, true);
          keep(report.drift, { ...base, action: told.ok ? 'corrected' : 'failed', detail: told.detail });
        }
      }

      const unseen = entities.workflows.filter(
        (w) => !seen.has(orderIdOfEntity(w.workflowId)) && w.startedAt <= settled,
      );
      for (const [i, { workflowId }] of unseen.entries()) {
        progress('lost', i);
        const orderId = orderIdOfEntity(workflowId);
        const state = await entity.state(orderId);
        if (!state || isServerGone(state.status) || busy(state)) continue;
        const still = await panel.getServer(state.server.id).catch((err: unknown) => {
          if (isProviderError(err) && err.kind === 'not_found') return null;
          throw err;
        });
        if (still && still.external_id === state.externalId) continue;
        report.counts.lost++;
        const told = await entity.tell(orderId, null, false);
        keep(report.lost, {
          orderId,
          serverId: state.server.id,
          action: told.ok ? 'marked' : 'failed',
          detail: told.ok ? 'marked LOST; server.lost sent to the order callbackUrl' : told.detail,
        });
      }
      report.finishedAt = new Date().toISOString();
      deps.logger.info({ counts: report.counts, panelServers: report.panelServers }, 'reconciliation sweep done');
      return report;
    },
  };
}
