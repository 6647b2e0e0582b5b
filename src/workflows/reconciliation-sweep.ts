import { ActivityFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ProvisioningActivities, ReconcileActivities } from './activity-contract';
import { operatorWebhookOptions, reconcileOptions } from './activity-options';
import type { ReconciliationAlert } from './operator-alert-contract';
import type { ReconcileInput, ReconcileReport } from './reconcile-contract';

const sweep = proxyActivities<ReconcileActivities>(reconcileOptions);
/** Ten minutes at most, so a failing webhook never holds the next scheduled sweep (overlap: skip). */
const webhook = proxyActivities<Pick<ProvisioningActivities, 'notifyOperators'>>({
  ...operatorWebhookOptions,
  scheduleToCloseTimeout: '10 minutes',
});

/** Where operators read the newest report. */
export const RECONCILIATION_REPORT_PATH = '/v1/reconciliation';

function alertOf(report: ReconcileReport): ReconciliationAlert {
  const { strays, lost, drift } = report.counts;
  return {
    eventId: `${workflowInfo().workflowId}:findings`,
    type: 'reconciliation.findings',
    startedAt: report.startedAt,
    counts: { strays, lost, drift },
    summary: [
      ...report.lost.map((f) => `lost: order ${f.orderId}, server ${f.serverId} (${f.action})`),
      ...report.strays.map((f) => `stray: server ${f.serverId} ${f.externalId} (${f.action})`),
      ...report.drift.map((f) => `drift: order ${f.orderId} ${f.drift.map((d) => d.field).join(', ')} (${f.action})`),
    ].slice(0, 50),
    report: RECONCILIATION_REPORT_PATH,
  };
}

/**
 * One reconciliation sweep (started by the Schedule `reconcileScheduleId(taskQueue)`): compares the panel's servers
 * with the entities (reconcilePanel), tells the operators' webhook when it found anything, and ends with the report.
 */
export async function reconciliationSweep(input: ReconcileInput): Promise<ReconcileReport> {
  const report = await sweep.reconcilePanel(input);
  const { strays, lost, drift } = report.counts;
  if (strays + lost + drift === 0) return { ...report, webhook: 'not_needed' };
  try {
    const { sent } = await webhook.notifyOperators(alertOf(report));
    return { ...report, webhook: sent ? 'sent' : 'not_configured' };
  } catch (err) {
    if (err instanceof ActivityFailure) return { ...report, webhook: 'failed' };
    throw err;
  }
}
