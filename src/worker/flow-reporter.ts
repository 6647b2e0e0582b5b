import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ProcessFlow } from '../flow/process-flow';
import { safeError } from '../logger';
import {
  FLOW_CONTROL_WORKFLOW_TYPE, FLOW_REPORT_INTERVAL_MS, PROMOTED_PRIORITY_KEY, flowControlWorkflowId, flowReportSignal, processViewQuery,
} from '../workflows/flow-contract';
import type { FlowControlInput } from '../workflows/flow-control';
import type { ProviderWorkerHost } from './provider-worker';

/**
 * Every FLOW_REPORT_INTERVAL_MS: signals this process's flow report to the task queue's flow-control workflow
 * (signal-with-start: the first process starts it), then takes back the shared view: the rate every provider worker
 * should use, the number of live processes (their install watchers' share) and the other processes' reservations.
 * Failures are logged and retried at the next tick: the process then works on its own view.
 */
export class FlowReporter {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly identity: string,
    private readonly flow: ProcessFlow,
    private readonly host: ProviderWorkerHost,
    private readonly logger: Logger,
    private readonly intervalMs = FLOW_REPORT_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => { this.ticking = undefined; });
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  async tick(): Promise<void> {
    const workflowId = flowControlWorkflowId(this.taskQueue);
    try {
      const args: [FlowControlInput] = [{ taskQueue: this.taskQueue }];
      await this.client.workflow.signalWithStart(FLOW_CONTROL_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.taskQueue,
        args,
        signal: flowReportSignal,
        signalArgs: [this.flow.report(this.identity)],
        priority: { priorityKey: PROMOTED_PRIORITY_KEY },
      });
      const view = await this.client.workflow.getHandle(workflowId).query(processViewQuery, this.identity);
      this.flow.setForeign(view.foreign, view.released);
      this.host.setShared(view);
    } catch (err) {
      this.logger.debug({ err: safeError(err) }, 'flow report failed');
    }
  }
}
