import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

jest.setTimeout(60_000);

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
});

afterAll(async () => {
  await h?.stop();
});

const post = (body: Record<string, unknown>) => h.http().post('/v1/orders').set(auth).send(body);

/** Until the worker has read the eggs and reported them, the API cannot check variables (the create step does). */
async function eggRulesKnown(): Promise<void> {
  await waitFor(
    async () => {
      await h.eggRules.refresh();
      try {
        h.eggRules.checkOrder(1, { DL_PATH: 'x' });
        return false;
      } catch {
        return true;
      }
    },
    (known) => known,
  );
}

describe("POST /v1/orders checks order variables against the egg's rules", () => {
  beforeAll(eggRulesKnown);

  it('refuses an admin-only variable with 400 naming it and the rule, starting nothing', async () => {
    const orderId = uniqueOrderId('admin-var');
    const res = await post(orderBody({ orderId, environment: { DL_PATH: 'https://evil.example/paper.jar' } }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'invalid_body',
        message: 'invalid request body',
        details: {
          issues: [
            {
              field: 'environment.DL_PATH',
              rule: 'user_editable',
              reason: 'The Download Path variable is not user-editable.',
            },
          ],
        },
      },
    });
    await h.http().get(`/v1/orders/${orderId}`).set(auth).expect(404);
  });

  it("refuses a value that breaks the variable's validation rule, and a variable the egg does not have", async () => {
    const bad = await post(orderBody({ eggId: 2, environment: { DIFFICULTY: 'impossible' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual([
      {
        field: 'environment.DIFFICULTY',
        rule: 'in',
        reason: 'The selected Difficulty variable is invalid.',
      },
    ]);
    const unknown = await post(orderBody({ environment: { SERVER_JARFILE: 'server.jar', INSTALL_URL: 'x' } }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues).toEqual([
      { field: 'environment.INSTALL_URL', rule: 'defined', reason: 'The egg has no variable INSTALL_URL.' },
    ]);
  });

  it('accepts user-editable variables that pass their rules, and the server gets them', async () => {
    const orderId = uniqueOrderId('good-var');
    await post(orderBody({ orderId, environment: { SERVER_JARFILE: 'paper.jar', RCON_PASSWORD: 'pw' } })).expect(202);
    const res = await waitFor(
      () => h.http().get(`/v1/orders/${orderId}`).set(auth),
      (r) => r.body.status === 'ACTIVE' || r.body.status === 'FAILED',
    );
    expect(res.body.status).toBe('ACTIVE');
  });
});
