import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ADMISSION_BATCH,
  admitOrdersUpdate,
  admittedQuery,
  orderLeftSignal,
  type AdmissionInput,
  type AdmitRequest,
  type AdmitResult,
  type AdmittedOrder,
} from './admission-contract';
import type { AdmissionActivities } from './activity-contract';

/** Admissions and releases handled before a shard continues as new (keeps its history short). */
export const ADMISSION_EVENTS_PER_RUN = 1000;
/** How long an admitted order that Temporal does not know yet still counts: the API may be starting it. */
export const ADMISSION_START_GRACE_MS = 60_000;

const check = proxyLocalActivities<AdmissionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 5 },
});

/** The ids of `orders` still in flight, or missing but admitted moments ago (by the workflow's clock). */
async function stillInFlight(orders: AdmittedOrder[]): Promise<Set<string>> {
  if (orders.length === 0) return new Set();
  const states = await check.checkAdmittedOrders(orders);
  const admittedAt = new Map(orders.map((o) => [o.orderId, Date.parse(o.admittedAt)]));
  return new Set(
    states
      .filter(
        (s) =>
          s.state === 'in_flight' ||
          (s.state === 'missing' && Date.now() - (admittedAt.get(s.orderId) ?? 0) < ADMISSION_START_GRACE_MS),
      )
      .map((s) => s.orderId),
  );
}

/**
 * One admission shard (see admission-contract.ts): counts the admitted orders of its users and admits orders one at a
 * time, in the order of the batches `admitOrdersUpdate` brings. Orders do not report their end (that would cost each order a signal and a
 * workflow task): before refusing a user, the shard checks that user's orders with Temporal and forgets those that
 * ended, and before continuing as new it checks them all. `orderLeftSignal` forgets an order the API could not start.
 * Never ends on its own.
 */
export async function orderAdmission(input: AdmissionInput): Promise<void> {
  const byUser = new Map<number, Map<string, AdmittedOrder>>();
  const add = (order: AdmittedOrder) =>
    byUser.set(order.userId, (byUser.get(order.userId) ?? new Map()).set(order.orderId, order));
  const forget = (userId: number, orderId: string) => {
    const orders = byUser.get(userId);
    orders?.delete(orderId);
    if (orders?.size === 0) byUser.delete(userId);
  };
  const admittedOrders = () => [...byUser.values()].flatMap((orders) => [...orders.values()]);
  const forgetEnded = async (orders: AdmittedOrder[]) => {
    const still = await stillInFlight(orders);
    for (const order of orders) if (!still.has(order.orderId)) forget(order.userId, order.orderId);
  };
  for (const order of input.admitted ?? []) add(order);
  let handled = 0;
  let turn: Promise<unknown> = Promise.resolve();

  const admit = async (request: AdmitRequest): Promise<AdmitResult> => {
    const mine = () => [...(byUser.get(request.userId)?.values() ?? [])];
    if (byUser.get(request.userId)?.has(request.orderId))
      return { admitted: true, known: true, inFlight: mine().length };
    if (mine().length >= request.limit) await forgetEnded(mine());
    const counted = mine();
    if (counted.length >= request.limit) {
      const oldestAdmittedAt = counted.map((o) => o.admittedAt).sort()[0];
      return { admitted: false, inFlight: counted.length, oldestAdmittedAt };
    }
    add({ orderId: request.orderId, userId: request.userId, admittedAt: new Date().toISOString() });
    return { admitted: true, known: false, inFlight: counted.length + 1 };
  };

  setHandler(
    admitOrdersUpdate,
    (requests) => {
      handled += requests.length;
      const mine = turn.then(async () => {
        const results: AdmitResult[] = [];
        for (const request of requests) results.push(await admit(request));
        return results;
      });
      turn = mine.catch(() => undefined);
      return mine;
    },
    {
      validator: (requests) => {
        if (!Array.isArray(requests) || requests.length === 0 || requests.length > ADMISSION_BATCH) {
          throw new Error(`an admission update carries 1 to ${ADMISSION_BATCH} requests`);
        }
        for (const request of requests) {
          if (typeof request?.orderId !== 'string' || !Number.isInteger(request.userId) || !(request.limit >= 1)) {
            throw new Error('an admission needs orderId, userId and limit >= 1');
          }
        }
      },
    },
  );
  setHandler(orderLeftSignal, ({ orderId, userId }) => {
    handled += 1;
    forget(userId, orderId);
  });
  setHandler(admittedQuery, admittedOrders);

  await condition(
    () => handled >= (input.eventsPerRun ?? ADMISSION_EVENTS_PER_RUN) || workflowInfo().continueAsNewSuggested,
  );
  await forgetEnded(admittedOrders());
  await condition(allHandlersFinished);
  await continueAsNew<typeof orderAdmission>({ ...input, admitted: admittedOrders() });
}
