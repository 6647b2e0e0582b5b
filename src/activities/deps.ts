import type { Logger } from 'pino';
import type { ProcessFlow } from '../flow/process-flow';
import type { PterodactylClient } from '../provider';
import type { OperatorWebhookFormat } from '../workflows/operator-alert-contract';
import type { AllocationReservations } from '../flow/reservations';
import type { OutboundGuard } from '../net/outbound-guard';

/** What the activities need from the outside world; the worker wires the real ones, tests the simulated panel. */
export interface ActivityDeps {
  provider: PterodactylClient;
  logger: Logger;
  reservations: AllocationReservations;
  /** How often the batched install check asks the panel while servers are installing; default 3000 ms. */
  installPollMs?: number;
  /**
   * The process's flow control (budget, breakers, catalogue, install watcher), shared by all its workers. When
   * omitted, one is built on `provider` and `reservations`.
   */
  flow?: ProcessFlow;
  /** CALLBACK_SECRET, the key order callbacks are signed with (never passed through workflows). */
  callbackSecret?: string;
  /** Per-request timeout of a callback delivery; default 10 s. */
  callbackTimeoutMs?: number;
  /** OPERATOR_WEBHOOK_URL and _FORMAT: where parked orders are announced; no URL, no announcement. */
  operatorWebhook?: { url?: string; format?: OperatorWebhookFormat };
  /**
   * The outbound-address guard of callbacks and the operator webhook, with CALLBACK_ALLOWED_HOSTS; default: public
   * addresses only.
   */
  outboundGuard?: OutboundGuard;
}

/** The dependencies each activity factory receives: the flow control is always there. */
export interface BoundDeps {
  flow: ProcessFlow;
  logger: Logger;
}

export const DEFAULT_INSTALL_POLL_MS = 3000;
