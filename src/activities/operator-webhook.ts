import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { guardedPost, type OutboundResponse } from '../net/guarded-fetch';
import { OutboundGuard, OutboundRefusedError } from '../net/outbound-guard';
import type {
  OperatorAlert,
  OperatorNotice,
  OperatorWebhookFormat,
  OperatorWebhookResult,
  ReconciliationAlert,
} from '../workflows/operator-alert-contract';

export {
  OPERATOR_WEBHOOK_FORMATS,
  type OperatorAlert,
  type OperatorWebhookFormat,
  type OperatorWebhookResult,
} from '../workflows/operator-alert-contract';

/**
 * Failure types of notifyOperators: a 3xx/4xx answer (but 408, 429) is final, and so is an address the outbound
 * guard refuses (add the webhook's host to CALLBACK_ALLOWED_HOSTS); anything else is retried.
 */
export const OperatorWebhookFailureType = {
  Rejected: 'OperatorWebhookRejected',
  Unavailable: 'OperatorWebhookUnavailable',
  AddressRefused: 'OperatorWebhookAddressRefused',
} as const;

export interface OperatorWebhookDeps {
  /** OPERATOR_WEBHOOK_URL; without it the activity sends nothing. */
  url?: string;
  format?: OperatorWebhookFormat;
  logger: Logger;
  timeoutMs?: number;
  /** Which addresses may be called (CALLBACK_ALLOWED_HOSTS); default: public addresses only. */
  guard?: OutboundGuard;
}

function discordPayload(alert: OperatorAlert): unknown {
  const { ledger } = alert;
  const last = alert.errors.at(-1);
  const fields = [
    { name: 'Reason', value: alert.reason, inline: true },
    { name: 'Step', value: alert.step, inline: true },
    {
      name: 'Server',
      value: ledger.serverId === null ? 'none known' : `${ledger.serverId} on node ${ledger.nodeId ?? '?'}`,
      inline: true,
    },
    {
      name: 'Allocation',
      value: ledger.allocation ? `${ledger.allocation.ip}:${ledger.allocation.port}` : 'none',
      inline: true,
    },
    { name: 'Pending rollback', value: ledger.pendingCompensations.join(', ') || 'none', inline: true },
    ...(last ? [{ name: 'Last error', value: `${last.type}: ${last.message}`.slice(0, 1000) }] : []),
  ];
  return {
    content: `Order ${alert.orderId} needs attention (${alert.reason})`,
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: `Parked order ${alert.orderId}`,
        description: `POST ${alert.actions} with retry-step, rollback or mark-resolved`,
        fields,
        timestamp: alert.parkedAt,
      },
    ],
  };
}

function discordSweepPayload(alert: ReconciliationAlert): unknown {
  const { strays, lost, drift } = alert.counts;
  return {
    content: `Reconciliation sweep: ${strays} stray, ${lost} lost, ${drift} drifted server(s)`,
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: 'Reconciliation findings',
        description: `${alert.summary.slice(0, 20).join('\n')}\n\nGET ${alert.report}`.slice(0, 4000),
        timestamp: alert.startedAt,
      },
    ],
  };
}

/** The request body for `format`: the notice itself (`json`) or a Discord webhook message (`discord`). */
export function operatorWebhookBody(alert: OperatorNotice, format: OperatorWebhookFormat): unknown {
  if (format !== 'discord') return alert;
  return alert.type === 'reconciliation.findings' ? discordSweepPayload(alert) : discordPayload(alert);
}

/**
 * notifyOperators: POSTs one parked order's alert to OPERATOR_WEBHOOK_URL (X-Event-Id: the alert's eventId) through
 * the outbound-address guard. 2xx sends it; 408, 429, 5xx and network errors are retried by the activity's retry
 * policy; other answers, and an address the guard refuses, are final.
 */
export function notifyOperatorsActivity(
  deps: OperatorWebhookDeps,
): (alert: OperatorNotice) => Promise<OperatorWebhookResult> {
  const format = deps.format ?? 'json';
  const guard = deps.guard ?? new OutboundGuard();
  return async (alert) => {
    if (!deps.url) return { sent: false, status: null };
    const facts = { eventId: alert.eventId, type: alert.type };
    let res: OutboundResponse;
    try {
      res = await guardedPost(guard, deps.url, {
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'server-queue-operators/1',
          'X-Event-Id': alert.eventId,
        },
        body: JSON.stringify(operatorWebhookBody(alert, format)),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      if (err instanceof OutboundRefusedError) {
        deps.logger.error({ ...facts, detail }, 'operator webhook refused by the outbound guard; giving up');
        throw ApplicationFailure.create({
          type: OperatorWebhookFailureType.AddressRefused,
          message: 'operator webhook not sent: its host is not a public address (see CALLBACK_ALLOWED_HOSTS)',
          nonRetryable: true,
        });
      }
      deps.logger.warn({ ...facts, detail }, 'operator webhook failed; will retry');
      throw ApplicationFailure.create({
        type: OperatorWebhookFailureType.Unavailable,
        message: 'operator webhook unreachable',
      });
    }
    if (res.status >= 200 && res.status < 300) {
      deps.logger.info({ ...facts, status: res.status }, 'operator webhook sent');
      return { sent: true, status: res.status };
    }
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    deps.logger.warn(
      { ...facts, status: res.status },
      retryable ? 'operator webhook failed; will retry' : 'operator webhook refused',
    );
    throw ApplicationFailure.create({
      type: retryable ? OperatorWebhookFailureType.Unavailable : OperatorWebhookFailureType.Rejected,
      message: `operator webhook answered ${res.status}`,
      nonRetryable: !retryable,
    });
  };
}
