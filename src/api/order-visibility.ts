import type { Client } from '@temporalio/client';
import { PROVISION_WORKFLOW_TYPE, TERMINAL_STATUSES, type OrderStatus } from '../workflows/contract';

/** Statuses of an order that waits for its turn: not started, or held back by capacity or the provider. */
export const WAITING_STATUSES = ['QUEUED', 'WAITING_FOR_CAPACITY', 'WAITING_FOR_PROVIDER'] as const satisfies readonly OrderStatus[];
export type WaitingStatus = (typeof WAITING_STATUSES)[number];

export const isWaiting = (status: OrderStatus): status is WaitingStatus => (WAITING_STATUSES as readonly string[]).includes(status);

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const inList = (values: readonly string[]): string => `(${values.map(quote).join(', ')})`;
export const timeLiteral = (at: Date): string => quote(at.toISOString());
export const notOrder = (workflowId: string): string => `WorkflowId != ${quote(workflowId)}`;

const RUNNING_ORDERS = [`WorkflowType = '${PROVISION_WORKFLOW_TYPE}'`, `ExecutionStatus = 'Running'`];

/** Running order workflows whose recorded status is one of `statuses`. */
export const ordersIn = (statuses: readonly OrderStatus[]): string[] => [...RUNNING_ORDERS, `OrderStatus IN ${inList(statuses)}`];

/** Orders that wait for their turn. */
export const WAITING_ORDERS = ordersIn(WAITING_STATUSES);

/** Orders in flight: the workflow runs and the order is not ACTIVE, FAILED or CANCELLED. */
export const IN_FLIGHT_ORDERS = [...RUNNING_ORDERS, `OrderStatus NOT IN ${inList(TERMINAL_STATUSES)}`];

/** Orders whose workflow completed ACTIVE or FAILED (served: they went through the provider). */
export const SERVED_ORDERS = [
  `WorkflowType = '${PROVISION_WORKFLOW_TYPE}'`, `ExecutionStatus = 'Completed'`, `OrderStatus IN ${inList(['ACTIVE', 'FAILED'])}`,
];

export const servedSince = (since: Date): string[] => [...SERVED_ORDERS, `CloseTime > ${timeLiteral(since)}`];

export const query = (clauses: readonly string[]): string => clauses.join(' AND ');

/** CountWorkflowExecutions over the clauses (ANDed). */
export async function countOrders(client: Client, clauses: readonly string[]): Promise<number> {
  return (await client.workflow.count(query(clauses))).count;
}
