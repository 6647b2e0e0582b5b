import type { Response } from 'supertest';
import { auth, orderBody, uniqueOrderId, waitFor, type ApiHarness } from './harness';

/**
 * Reads the order until `done` holds, letting up to `maxSkipMs` of server time pass in 10 s steps between reads while
 * `skipWhile` holds (the test server skips timers only while a client waits for time to pass, and not while an
 * activity runs: then it waits in real time), polling every 50 ms otherwise.
 */
export async function skipUntil(
  h: ApiHarness,
  orderId: string,
  done: (res: Response) => boolean,
  skipWhile: (res: Response) => boolean = () => true,
  maxSkipMs = 60 * 60_000,
): Promise<Response> {
  for (let skipped = 0, deadline = Date.now() + 60_000; ;) {
    const res = await h.http().get(`/v1/orders/${orderId}`).set(auth);
    if (done(res) || skipped >= maxSkipMs || Date.now() > deadline) return res;
    if (skipWhile(res)) {
      await h.skipTime(10_000);
      skipped += 10_000;
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Places an order and parks it for real: it is cancelled while installing during a panel outage, its deleteServer
 * rollback fails until its retries run out (server time skipped over the backoffs), and it ends NEEDS_ATTENTION with
 * COMPENSATION_FAILED. The outage is still on when this returns. Needs a harness with a worker and `timeSkipping`, and
 * no other order's activity running (time skips only while no task is outstanding).
 */
export async function parkByFailedRollback(h: ApiHarness, label: string): Promise<string> {
  const orderId = uniqueOrderId(label);
  const order = () => h.http().get(`/v1/orders/${orderId}`).set(auth);
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  const installing = await skipUntil(
    h,
    orderId,
    (r) => r.body.status === 'INSTALLING',
    (r) => r.body.status === 'WAITING_FOR_PROVIDER',
  );
  expect(installing.body.status).toBe('INSTALLING');
  h.sim!.panel.context.faults.replace({ outage: true });
  await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).send({ reason: 'customer left' }).expect(202);
  expect((await waitFor(order, (r) => r.body.status === 'COMPENSATING')).body.status).toBe('COMPENSATING');
  expect((await skipUntil(h, orderId, (r) => r.body.status === 'NEEDS_ATTENTION')).body.status).toBe('NEEDS_ATTENTION');
  return orderId;
}
