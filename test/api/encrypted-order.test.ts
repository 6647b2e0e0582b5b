import { randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, parseEncryptionKeys } from '../../src/codec';
import { orderWorkflowId } from '../../src/workflows/contract';
import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

const SECRET = 'hunter2-secret';
const codec = new AesGcmPayloadCodec(parseEncryptionKeys(randomBytes(32).toString('base64')));
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50, payloadCodec: codec });
});

afterAll(async () => {
  await h?.stop();
});

describe('an order through the API with PAYLOAD_ENCRYPTION_KEY', () => {
  it('runs to ACTIVE, reads as usual through the API, and Temporal stores no secret', async () => {
    const orderId = uniqueOrderId('encrypted');
    const environment = { SERVER_JARFILE: 'server.jar', RCON_PASSWORD: SECRET };
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId, environment })).expect(202);
    const res = await waitFor(
      () => h.http().get(`/v1/orders/${orderId}`).set(auth),
      (r) => ['ACTIVE', 'FAILED', 'CANCELLED'].includes(r.body.status ?? ''),
    );
    expect(res.body).toMatchObject({ orderId, status: 'ACTIVE', source: 'workflow' });
    expect((await h.http().get(`/v1/orders/${orderId}/history`).set(auth)).status).toBe(200);

    // The engine's own client has no codec: it sees what Temporal stores.
    const history = await h.env.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.includes(SECRET)).toBe(false);
    expect(bytes.includes(Buffer.from(SECRET).toString('base64').slice(0, 16))).toBe(false);
    const [input] = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);

    const decoded = await h
      .http()
      .post('/codec/decode')
      .set(auth)
      .send({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
            ),
            data: Buffer.from(input.data!).toString('base64'),
          },
        ],
      });
    expect(decoded.status).toBe(200);
    const order = JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString()) as {
      environment: unknown;
    };
    expect(order.environment).toEqual(environment);
  });
});
