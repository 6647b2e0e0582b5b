import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../../src/codec';
import { WORKFLOWS_PATH } from '../../src/worker';
import { OWN_MARKER_PATCH } from '../../src/workflows/own-server';
import { SERVER_ENTITY_PATCH } from '../../src/workflows/server-entity-start';
import { HISTORIES_DIR } from './history';
import { historyFromJson } from './history-json';

type History = ReturnType<typeof historyFromJson>;

const fixtures = fs
  .readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): { workflowId: string; history: History } {
  const history = historyFromJson(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
  const started = history.events[0]?.workflowExecutionStartedEventAttributes;
  return { workflowId: started?.workflowId ?? path.basename(file, '.json'), history };
}

async function replayAll(
  bundle: WorkflowBundle,
  histories: Array<{ workflowId: string; history: History }>,
  dataConverter?: DataConverter,
) {
  const failures: string[] = [];
  const options = { workflowBundle: bundle, replayName: 'fixtures', dataConverter };
  for await (const result of Worker.runReplayHistories(options, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  return failures;
}

describe('provisionServer, serverOperation and serverLifecycle replay their recorded histories', () => {
  let bundle: WorkflowBundle;
  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  });

  it('has fixtures for the success, failure, compensation, cancellation, retry, callback and server entity paths', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'happy-path.json',
        'failed-install.json',
        'failed-compensation.json',
        'cancelled-by-signal.json',
        'cancelled-by-temporal.json',
        'allocation-taken.json',
        'create-timeout-adopted.json',
        'rate-limited.json',
        'operation-resize-rolled-back.json',
        'operation-resize-cancelled.json',
        'own-marker-active.json',
        'own-marker-foreign.json',
        'callback-delivered.json',
        'entity-billing-deleted.json',
        'entity-continued-first-run.json',
        'entity-operator-resize-billing.json',
        'entity-activity-started.json',
      ]),
    );
  });

  const patchesOf = (file: string): string[] =>
    load(file).history.events.flatMap((e) =>
      (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).map(
        (p) => (JSON.parse(Buffer.from(p.data ?? []).toString('utf8')) as { id: string }).id,
      ),
    );

  it('has orders from before the own-server marker (bare orderId) and after it among the fixtures', () => {
    for (const file of ['happy-path.json', 'failed-install.json', 'create-timeout-adopted.json'])
      expect(patchesOf(file)).not.toContain(OWN_MARKER_PATCH);
    for (const file of ['own-marker-active.json', 'own-marker-foreign.json'])
      expect(patchesOf(file)).toContain(OWN_MARKER_PATCH);
  });

  it('has an order that starts its server entity through the startServerEntity activity', () => {
    const { history } = load('entity-activity-started.json');
    expect(patchesOf('entity-activity-started.json')).toContain(SERVER_ENTITY_PATCH);
    expect(history.events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [])).toContain(
      'startServerEntity',
    );
  });

  it('replays every fixture without a nondeterminism error', async () => {
    expect(await replayAll(bundle, fixtures.map(load))).toEqual([]);
  });

  it('replays them (recorded unencrypted) on a worker with the payload codec', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(randomBytes(32).toString('base64')));
    expect(await replayAll(bundle, fixtures.map(load), { payloadCodecs: [codec] })).toEqual([]);
  });

  it('detects a history whose commands no longer match the code', async () => {
    const tampered = load('happy-path.json');
    const firstActivity = tampered.history.events.find((e) => e.activityTaskScheduledEventAttributes);
    const activityType = firstActivity?.activityTaskScheduledEventAttributes?.activityType;
    if (!activityType) throw new Error('fixture has no activity');
    activityType.name = 'create';
    const failures = await replayAll(bundle, [tampered]);
    expect(failures).toEqual([expect.stringMatching(/^order-happy-1: DeterminismViolationError/)]);
  });
});
