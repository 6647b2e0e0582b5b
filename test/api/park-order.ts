import { auth, orderBody, uniqueOrderId, waitFor, type ApiHarness } from './harness';

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
  expect((await waitFor(order, (r) => r.body.status === 'INSTALLING')).body.status).toBe('INSTALLING');
  h.sim!.panel.context.faults.replace({ outage: true });
  await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).send({ reason: 'customer left' }).expect(202);
  expect((await waitFor(order, (r) => r.body.status === 'COMPENSATING')).body.status).toBe('COMPENSATING');
  await h.skipTime(45 * 60_000);
  expect((await waitFor(order, (r) => r.body.status === 'NEEDS_ATTENTION')).body.status).toBe('NEEDS_ATTENTION');
  return orderId;
}
