import { auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.stop();
});

const act = (orderId: string, body: unknown) =>
  h
    .http()
    .post(`/v1/orders/${orderId}/actions`)
    .set(auth)
    .send(body as object);

describe('POST /v1/orders/:id/actions', () => {
  it('answers 400 with the field and reason for an unknown action, a missing note or an extra field', async () => {
    const orderId = uniqueOrderId('actions');
    const bad = await act(orderId, { action: 'reboot', note: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'invalid_body',
      details: { issues: [{ field: 'action', reason: expect.any(String) }] },
    });
    const noNote = await act(orderId, { action: 'rollback' });
    expect(noNote.body.error.details.issues).toEqual([{ field: 'note', reason: 'required' }]);
    const blank = await act(orderId, { action: 'rollback', note: '   ' });
    expect(blank.body.error.details.issues).toEqual([{ field: 'note', reason: 'must not be empty or blank' }]);
    const nbsp = await act(orderId, { action: 'rollback', note: '\u00a0' });
    expect(nbsp.body.error.details.issues).toEqual([{ field: 'note', reason: 'must not be empty or blank' }]);
    const extra = await act(orderId, { action: 'rollback', note: 'x', force: true });
    expect(extra.body.error.details.issues).toEqual([{ field: 'force', reason: 'unknown field' }]);
  });

  it('answers 404 for an unknown order', async () => {
    const res = await act(uniqueOrderId('missing'), { action: 'mark-resolved', note: 'nothing to do' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('order_not_found');
  });

  it('answers 409 when the order is not NEEDS_ATTENTION', async () => {
    const orderId = uniqueOrderId('queued');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    const res = await act(orderId, { action: 'retry-step', note: 'try again' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'order_not_parked', details: { orderId, status: 'QUEUED' } });
  });

  it('accepts NEEDS_ATTENTION as a status filter of the order list', async () => {
    const res = await h.http().get('/v1/orders?status=NEEDS_ATTENTION').set(auth);
    expect(res.status).toBe(200);
    expect(res.body.orders).toEqual([]);
  });
});
