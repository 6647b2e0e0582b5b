import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { safeError } from '../logger';
import { orderVariableIssues, type VariableIssue, type VariablePolicy } from '../provider/validation/egg-variables';
import { eggRulesQuery, flowControlWorkflowId, type EggRulesView } from '../workflows/flow-contract';
import { ApiError } from './errors';
import { isWorkflowNotFound } from '../temporal-errors';

export interface EggRulesOptions {
  client: Client;
  taskQueue: string;
  logger: Logger;
  /** ORDER_ADMIN_VARIABLES: whether orders may set variables the egg does not mark user-editable. */
  policy: VariablePolicy;
  /** How often the eggs are read again from the flow-control workflow; default 30 s. */
  refreshMs?: number;
  /** Deadline of one read; default 2 s. */
  timeoutMs?: number;
}

/**
 * The panel's egg rules as the worker processes read them (query `eggRules` of the flow-control workflow, at most
 * every `refreshMs`, in the background: accepting an order never waits for it). An order for an egg known here
 * is checked at once (400 naming each variable and rule); one for an egg not known yet (no worker has read the
 * eggs, or the egg is newer than the copy) is accepted and checked by its create step, which fails the order with
 * InvalidEnvironment before anything reaches the panel.
 */
export class EggRules {
  private view: EggRulesView | null = null;
  private queriedAt = -Infinity;
  private reading: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: EggRulesOptions) {}

  /** Throws the 400 when the egg is known and the order's variables break its rules. */
  checkOrder(eggId: number, environment: Record<string, string> | undefined): void {
    this.refreshIfStale();
    const egg = this.view?.eggs.find((e) => e.id === eggId);
    if (!egg) return;
    const issues = orderVariableIssues(egg.variables, environment, this.options.policy);
    if (issues.length > 0) throw refusal(issues);
  }

  /** Reads the eggs now (a read in flight is shared). */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.queriedAt = Date.now();
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Reads no more; resolves once a read in flight has finished. */
  async close(): Promise<void> {
    this.closed = true;
    await this.reading;
  }

  private refreshIfStale(): void {
    if (Date.now() - this.queriedAt >= (this.options.refreshMs ?? 30_000)) void this.refresh();
  }

  private async read(): Promise<void> {
    const { client, taskQueue, logger, timeoutMs = 2000 } = this.options;
    try {
      const handle = client.workflow.getHandle(flowControlWorkflowId(taskQueue));
      const view = await client.withDeadline(Date.now() + timeoutMs, () => handle.query(eggRulesQuery));
      if (view) this.view = view;
    } catch (err) {
      if (!isWorkflowNotFound(err)) logger.debug({ err: safeError(err) }, 'could not read the egg rules');
    }
  }
}

function refusal(issues: VariableIssue[]): ApiError {
  return new ApiError(400, 'invalid_body', 'invalid request body', {
    issues: issues.map((issue) => ({
      field: `environment.${issue.variable}`,
      rule: issue.rule,
      reason: issue.message,
    })),
  });
}
