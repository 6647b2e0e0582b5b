import {
  ORDER_STATUSES,
  type OrderError,
  type OrderStatus,
  type ProvisionedServer,
  type Tier,
} from '../workflows/contract';
import type { BillingState, ServerStatus } from '../workflows/server-entity-contract';

/**
 * Legacy request headers (`sha256=<hex>` over `timestamp.body`, CALLBACK_SECRET only), sent alongside the Standard
 * Webhooks ones while CALLBACK_LEGACY_HEADERS is on; see docs/callbacks.md.
 */
export const CALLBACK_HEADERS = {
  signature: 'X-Signature',
  timestamp: 'X-Timestamp',
  eventId: 'X-Event-Id',
} as const;

/**
 * The task queue order callbacks are delivered on: its own, served by a worker with a bounded number of deliveries,
 * so slow receivers never hold the activity slots of the order task queue.
 */
export const callbackTaskQueue = (orderTaskQueue: string): string => `${orderTaskQueue}-callbacks`;

/** Standard Webhooks headers of every callback (https://www.standardwebhooks.com/); see docs/callbacks.md. */
export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** How old (or how far in the future) a webhook-timestamp (or X-Timestamp) a receiver accepts, in seconds. */
export const CALLBACK_TOLERANCE_SECONDS = 300;

/** The JSON body POSTed to an order's callbackUrl when it reaches a status worth telling the panel about. */
export interface CallbackEvent {
  /** Deterministic per workflow, status and sequence: the same event keeps its id across retries and replays. */
  id: string;
  /** `order.<status in lower case>`, e.g. `order.active`. */
  type: CallbackEventType;
  orderId: string;
  status: OrderStatus;
  /** When the order entered `status` (ISO 8601). */
  occurredAt: string;
  order: {
    orderId: string;
    status: OrderStatus;
    tier: Tier;
    userId: number;
    server: ProvisionedServer | null;
    error: OrderError | null;
  };
}

/** What the server's entity tells the panel: the billing clock's warnings and every change it made to the server. */
export const SERVER_EVENT_TYPES = [
  'server.suspension_warning',
  'server.suspended',
  'server.unsuspended',
  'server.deletion_warning',
  'server.deleted',
  'server.reinstalled',
  'server.resized',
  'server.lost',
] as const;
export type ServerEventType = (typeof SERVER_EVENT_TYPES)[number];

/** The JSON body POSTed to the order's callbackUrl when its server's entity acts (billing clock, operators). */
export interface ServerCallbackEvent {
  /** `<entity workflow id>:<type>:<sequence>`: stable across retries, replays and continue-as-new. */
  id: string;
  type: ServerEventType;
  orderId: string;
  occurredAt: string;
  server: {
    orderId: string;
    serverId: number;
    status: ServerStatus;
    billing: { state: BillingState['state']; suspendAt: string | null; deleteAt: string | null };
  };
}

export interface DeliverCallbackInput {
  url: string;
  event: CallbackEvent | ServerCallbackEvent;
}

export interface DeliverCallbackResult {
  /** The receiver's 2xx status code. */
  status: number;
  attempt: number;
}

/** Failure types of the deliverCallback activity (ApplicationFailure.type). */
export const CallbackFailureType = {
  /** The receiver answered 410 Gone or a redirect (3xx, not followed): not retried. */
  Rejected: 'CallbackRejected',
  /** 408, 429 or 5xx: retried (a Retry-After is honoured). */
  Unavailable: 'CallbackUnavailable',
  /**
   * Any other 4xx (400, 401, 403, 404, 422, ...): retried like the others, so an event a receiver refused because of
   * clock skew, a secret not yet rolled out or a deploy in progress is not lost.
   */
  Refused: 'CallbackRefused',
  /** No answer within the per-request timeout: retried. */
  Timeout: 'CallbackTimeout',
  /** Connection refused, DNS, TLS and other network errors: retried. */
  Unreachable: 'CallbackUnreachable',
  /** As many deliveries to the receiver's host as allowed are in flight (see HostSlots): retried shortly. */
  HostBusy: 'CallbackHostBusy',
  /** The worker has neither CALLBACK_SECRETS nor CALLBACK_SECRET: retried, so a worker with the secret can deliver later. */
  SecretMissing: 'CallbackSecretMissing',
  /**
   * The callbackUrl's host is, or resolves to, an address the service does not call (loopback, private, link-local,
   * ...; see src/net/outbound-guard.ts) and is not in CALLBACK_ALLOWED_HOSTS: nothing is sent, not retried.
   */
  AddressRefused: 'CallbackAddressRefused',
} as const;

/** `order.active`, `order.failed`, `order.needs_attention`, ... */
export type CallbackEventType = `order.${Lowercase<OrderStatus>}`;

export const callbackEventType = (status: OrderStatus): CallbackEventType =>
  `order.${status.toLowerCase() as Lowercase<OrderStatus>}`;

/** Every `type` an event may have, one per order status. */
export const CALLBACK_EVENT_TYPES = ORDER_STATUSES.map(callbackEventType) as [
  CallbackEventType,
  ...CallbackEventType[],
];

/** `<workflowId>:<status>:<sequence>`: stable for one workflow's n-th event, so receivers can de-duplicate on it. */
export const callbackEventId = (workflowId: string, status: OrderStatus, sequence: number): string =>
  `${workflowId}:${status.toLowerCase()}:${sequence}`;
