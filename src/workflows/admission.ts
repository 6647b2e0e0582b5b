import { allHandlersFinished, condition, continueAsNew, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  admitOrderUpdate, admittedQuery, orderLeftSignal,
  type AdmissionInput, type AdmitRequest, type AdmitResult, type AdmittedOrder,
} from './admission-contract';
import type { AdmissionActivities } from './activity-contract';

/** Admissions and releases handled before a shard continues as new (keeps its history short). */
export const ADMISSION_EVENTS_PER_RUN = 1000;

const check = proxyLocalActivities<AdmissionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 5 },
});

/**
 * One admission shard (see admission-contract.ts): counts the admitted orders of its users and admits one order at a
 * time through `admitOrderUpdate`. Orders do not report their end (that would cost each order a signal and a
 * workflow task): before refusing a user, the shard checks that user's orders with Temporal and forgets those that
 * ended, and before continuing as new it checks them all. `orderLeftSignal` forgets an order the API could not start.
 * Never ends on its own.
 */
export async function orderAdmission(input: AdmissionInput): Promise<void> {
  const byUser = new Map<number, Map<string, AdmittedOrder>>();
  const add = (order: AdmittedOrder) => byUser.set(order.userId, (byUser.get(order.userId) ?? new Map()).set(order.orderId, order));
  const forget = (userId: number, orderId: string) => {
    const orders = byUser.get(userId);
    orders?.delete(orderId);
    if (orders?.size === 0) byUser.delete(userId);
  };
  for (const order of input.admitted ?? []) add(order);
  let handled = 0;
  let turn: Promise<unknown> = Promise.resolve();

  const admit = async (request: AdmitRequest): Promise<AdmitResult> => {
    const mine = () => [...(byUser.get(request.userId)?.values() ?? [])];
    if (byUser.get(request.userId)?.has(request.orderId)) return { admitted: true, known: true, inFlight: mine().length };
    if (mine().length >= request.limit) {
      const still = new Set(await check.ordersStillInFlight(mine()));
      for (const order of mine()) if (!still.has(order.orderId)) forget(order.userId, order.orderId);
    }
    const counted = mine();
    if (counted.length >= request.limit) {
      const oldestAdmittedAt = counted.map((o) => o.admittedAt).sort()[0];
      return { admitted: false, inFlight: counted.length, oldestAdmittedAt };
    }
    add({ orderId: request.orderId, userId: request.userId, admittedAt: new Date().toISOString() });
    return { admitted: true, known: false, inFlight: counted.length + 1 };
  };

  setHandler(admitOrderUpdate, (request) => {
    handled += 1;
    const mine = turn.then(() => admit(request));
    turn = mine.catch(() => undefined);
    return mine;
  }, {
    validator: (request) => {
      if (typeof request?.orderId !== 'string' || !Number.isInteger(request.userId) || !(request.limit >= 1)) {
        throw new Error('an admission needs orderId, userId and limit >= 1');
      }
    },
  });
  setHandler(orderLeftSignal, ({ orderId, userId }) => {
    handled += 1;
    forget(userId, orderId);
  });
  setHandler(admittedQuery, () => [...byUser.values()].flatMap((orders) => [...orders.values()]));

  await condition(() => handled >= ADMISSION_EVENTS_PER_RUN || workflowInfo().continueAsNewSuggested);
  const all = [...byUser.values()].flatMap((orders) => [...orders.values()]);
  const inFlight = new Set(await check.ordersStillInFlight(all));
  const carried = all.filter((order) => inFlight.has(order.orderId));
  await condition(allHandlersFinished);
  const admittedSince = [...byUser.values()].flatMap((orders) => [...orders.values()]).filter((order) => !all.includes(order));
  await continueAsNew<typeof orderAdmission>({ ...input, admitted: [...carried, ...admittedSince] });
}
