import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ProcessFlow } from '../flow/process-flow';
import { safeError } from '../logger';
import {
  EGG_RULES_RESEND_MS,
  FLOW_CONTROL_WORKFLOW_TYPE,
  FLOW_REPORT_INTERVAL_MS,
  PROMOTED_PRIORITY_KEY,
  flowControlWorkflowId,
  flowReportSignal,
  processViewQuery,
  type EggRulesView,
  type ProcessFlowReport,
} from '../workflows/flow-contract';
import type { FlowControlInput } from '../workflows/flow-control';

/** After a failed read of the eggs, the next one waits this long. */
const EGG_READ_RETRY_MS = 30_000;
/** Longest one report (signal and query) may take before it is given up until the next tick. */
const REPORT_DEADLINE_MS = 10_000;

/**
 * Every FLOW_REPORT_INTERVAL_MS: signals this process's flow report to the task queue's flow-control workflow
 * (signal-with-start: the first process starts it), then takes back the shared view: the rate every provider worker
 * should use, the number of live processes (their install watchers' share) and the other processes' reservations.
 * Failures are logged and retried at the next tick: the process then works on its own view. It also keeps the
 * panel's eggs read (once per catalogue TTL) and sends them when they change, for the API's check of order variables.
 */
export class FlowReporter {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private eggsSent: { readAt: number; sentAt: number } | undefined;
  private eggsReadAfter = 0;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly identity: string,
    private readonly flow: ProcessFlow,
    private readonly logger: Logger,
    private readonly intervalMs = FLOW_REPORT_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => {
        this.ticking = undefined;
      });
    }, this.intervalMs);
  }

  /** Stops reporting; a report in flight is abandoned (its calls aborted), so a missing server never holds shutdown. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.ticking;
  }

  async tick(): Promise<void> {
    if (Date.now() >= this.eggsReadAfter) {
      this.flow.catalogue.refreshEggs().catch((err: unknown) => {
        this.eggsReadAfter = Date.now() + EGG_READ_RETRY_MS;
        this.logger.debug({ err: safeError(err) }, 'could not read the eggs');
      });
    }
    const workflowId = flowControlWorkflowId(this.taskQueue);
    const { connection } = this.client;
    try {
      await connection.withAbortSignal(this.stopping.signal, () =>
        connection.withDeadline(Date.now() + REPORT_DEADLINE_MS, () => this.exchange(workflowId)),
      );
    } catch (err) {
      this.logger.debug({ err: safeError(err) }, 'flow report failed');
    }
  }

  private async exchange(workflowId: string): Promise<void> {
    const args: [FlowControlInput] = [{ taskQueue: this.taskQueue }];
    const report: ProcessFlowReport = { ...this.flow.report(this.identity), eggs: this.eggsToSend() };
    await this.client.workflow.signalWithStart(FLOW_CONTROL_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: this.taskQueue,
      args,
      signal: flowReportSignal,
      signalArgs: [report],
      priority: { priorityKey: PROMOTED_PRIORITY_KEY },
    });
    if (report.eggs) this.eggsSent = { readAt: Date.parse(report.eggs.readAt), sentAt: Date.now() };
    const view = await this.client.workflow.getHandle(workflowId).query(processViewQuery, this.identity);
    this.flow.setForeign(view.foreign, view.released);
    this.flow.setShared(view);
  }

  private eggsToSend(): EggRulesView | undefined {
    const read = this.flow.catalogue.eggsAsRead();
    if (!read) return undefined;
    const sent = this.eggsSent;
    if (sent && sent.readAt === read.at && Date.now() - sent.sentAt < EGG_RULES_RESEND_MS) return undefined;
    return {
      readAt: new Date(read.at).toISOString(),
      eggs: read.eggs.map((egg) => ({
        id: egg.id,
        variables: egg.variables.map(({ name, env_variable, default_value, user_editable, rules }) => ({
          name,
          env_variable,
          default_value,
          user_editable,
          rules,
        })),
      })),
    };
  }
}
