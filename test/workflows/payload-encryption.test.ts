import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, parseEncryptionKeys } from '../../src/codec';
import { paperOrder } from '../activities/panel-harness';
import { runOrder, startWorkflowHarness, type WorkflowHarness } from './harness';

const SECRET = 'hunter2-secret';
const codec = new AesGcmPayloadCodec(parseEncryptionKeys(`test:${randomBytes(32).toString('base64')}`));

/** The secret as it could appear in stored bytes or their JSON: plain, and base64 at each of the three alignments. */
function variants(text: string): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [text, ...[0, 1, 2].map((pad) => b64('x'.repeat(pad) + text).slice(pad ? 4 : 0, -4))];
}

describe('provisionServer with PAYLOAD_ENCRYPTION_KEY', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness({ dataConverter: { payloadCodecs: [codec] } });
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('runs an order to ACTIVE with no secret in its history, and the codec reads the input back', async () => {
    const order = paperOrder('encrypted-1', { environment: { SERVER_JARFILE: 'paper.jar', RCON_PASSWORD: SECRET } });
    const { state, history } = await runOrder(h, order);
    expect(state.status).toBe('ACTIVE');

    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    const json = JSON.stringify(
      temporal.api.history.v1.History.toObject(history as temporal.api.history.v1.History, { bytes: String }),
    );
    for (const variant of variants(SECRET)) {
      expect(bytes.includes(variant)).toBe(false);
      expect(json.includes(variant)).toBe(false);
    }
    expect(bytes.includes('paper.jar')).toBe(false);
    // The search does find the secret in an unencrypted input, as bytes and as base64.
    const plainInput = Buffer.from(defaultPayloadConverter.toPayload(order).data!);
    expect(plainInput.includes(SECRET)).toBe(true);
    expect(variants(SECRET).some((v) => plainInput.toString('base64').includes(v))).toBe(true);

    const [input] = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(input.metadata![KEY_ID_METADATA]!).toString()).toBe('test');
    const [decoded] = await codec.decode([input]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(order);
  });
});
