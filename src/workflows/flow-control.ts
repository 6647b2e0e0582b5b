import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  FLOW_REPORT_EXPIRY_MS,
  flowReportSignal,
  flowSnapshotQuery,
  processViewQuery,
  eggRulesQuery,
  type EggRulesView,
  type ProcessFlowReport,
  type ProcessView,
} from './flow-contract';
import { mergeReports } from './flow-merge';

/** Reports handled before the workflow continues as new (keeps its history short). */
export const FLOW_CONTROL_REPORTS_PER_RUN = 500;

export interface FlowControlInput {
  taskQueue: string;
  /** Carried over by continue-as-new. */
  reports?: ProcessFlowReport[];
  /** Carried over by continue-as-new: the newest eggs reported. */
  eggs?: EggRulesView;
}

/**
 * The `flow-control` workflow of one task queue: every worker process signals its flow report (budget use,
 * breakers, node capacity, reservations) here every few seconds (signal-with-start, so the first one starts it).
 * It answers `flowSnapshot` (the merged view the API shows) and `processView` (what a process takes back: the
 * shared rate and the other processes' reservations) and `eggRules` (the newest eggs a process read, for the API's
 * check of order variables). It never calls the panel and holds no timers.
 */
export async function flowControl(input: FlowControlInput): Promise<void> {
  const reports = new Map<string, ProcessFlowReport>((input.reports ?? []).map((r) => [r.identity, r]));
  let handled = 0;
  let eggs: EggRulesView | null = input.eggs ?? null;
  const live = (): ProcessFlowReport[] => {
    const cutoff = Date.now() - FLOW_REPORT_EXPIRY_MS;
    return [...reports.values()].filter((r) => Date.parse(r.at) >= cutoff);
  };
  setHandler(flowReportSignal, (report) => {
    const { eggs: reported, ...rest } = report;
    if (reported && (eggs === null || Date.parse(reported.readAt) >= Date.parse(eggs.readAt))) eggs = reported;
    reports.set(report.identity, rest);
    for (const [identity, r] of reports)
      if (Date.parse(r.at) < Date.parse(report.at) - FLOW_REPORT_EXPIRY_MS) reports.delete(identity);
    handled += 1;
  });
  setHandler(eggRulesQuery, () => eggs);
  setHandler(flowSnapshotQuery, () => mergeReports(input.taskQueue, live()));
  setHandler(processViewQuery, (identity): ProcessView => {
    const current = live();
    const merged = mergeReports(input.taskQueue, current);
    const released = [...new Set(current.flatMap((r) => r.released))];
    const foreign = current
      .filter((r) => r.identity !== identity)
      .flatMap((r) => r.reservations)
      .filter((r) => !released.includes(r.orderId));
    return { foreign, released, ratePerMinute: merged.budget.ratePerMinute, processes: Math.max(1, current.length) };
  });
  await condition(() => handled >= FLOW_CONTROL_REPORTS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await continueAsNew<typeof flowControl>({ taskQueue: input.taskQueue, reports: live(), eggs: eggs ?? undefined });
}
