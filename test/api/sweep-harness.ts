import { type PterodactylClient, type Server } from '../../src/provider';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  RECONCILE_WORKFLOW_TYPE,
  type ReconcilePolicy,
  type ReconcileReport,
} from '../../src/workflows/reconcile-contract';
import { directServer } from '../activities/panel-harness';
import { simPanel, type ApiHarness } from './harness';

/** What the reconciliation suites do to the simulated panel and the sweep, on one API harness. */
export interface SweepHarness {
  panel(): PterodactylClient;
  /** The panel server an order created (found by its marker). */
  serverOf(orderId: string): Promise<Server>;
  /** A server made on the panel directly, on the first free allocation, with the given external_id. */
  placeDirectly(externalId: string): Promise<Server>;
  /** Runs one sweep to its report; `settleMs` null leaves the sweep's default settle time. */
  sweep(policy: ReconcilePolicy, settleMs?: number | null): Promise<ReconcileReport>;
}

export function sweepHarness(h: ApiHarness, label: string): SweepHarness {
  let sweeps = 0;
  const panel = () => simPanel(h);
  return {
    panel,
    serverOf: async (orderId) => (await panel().getServerByExternalId(ownExternalId(orderId)))!,
    async placeDirectly(externalId) {
      const allocation = (await panel().listAllAllocations(1)).find((a) => !a.assigned)!.id;
      return panel().createServer(directServer(externalId, allocation));
    },
    sweep: (policy, settleMs = 0) =>
      h.client.workflow.execute(RECONCILE_WORKFLOW_TYPE, {
        taskQueue: h.taskQueue,
        workflowId: `${label}-${++sweeps}`,
        args: [{ taskQueue: h.taskQueue, policy, ...(settleMs === null ? {} : { settleMs }) }],
      }),
  };
}
