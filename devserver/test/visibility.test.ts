import { status } from '@grpc/grpc-js';
import { WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributePair, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DEVSERVER_BIN, quietRuntime } from './helpers';
import { eventually, serverWorker } from './harness';

const K = {
  keyword: defineSearchAttributeKey('CustomKeyword', SearchAttributeType.KEYWORD),
  list: defineSearchAttributeKey('CustomKeywordList', SearchAttributeType.KEYWORD_LIST),
  int: defineSearchAttributeKey('CustomInt', SearchAttributeType.INT),
  double: defineSearchAttributeKey('CustomDouble', SearchAttributeType.DOUBLE),
  bool: defineSearchAttributeKey('CustomBool', SearchAttributeType.BOOL),
  datetime: defineSearchAttributeKey('CustomDatetime', SearchAttributeType.DATETIME),
  text: defineSearchAttributeKey('CustomText', SearchAttributeType.TEXT),
};
const region = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);
const TQ = 'visibility';
const IVT = temporal.api.enums.v1.IndexedValueType;

describe('visibility: list, count and search attributes', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const handles: Record<string, WorkflowHandle> = {};
  let between = '';

  const ids = async (query: string, pageSize?: number) => {
    const out: string[] = [];
    for await (const wf of env.client.workflow.list({ query, pageSize })) out.push(wf.workflowId);
    return out;
  };
  const sorted = async (query: string) => (await ids(`TaskQueue = '${TQ}' AND (${query})`)).sort();

  beforeAll(async () => {
    quietRuntime();
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: DEVSERVER_BIN }, searchAttributes: Object.values(K) },
    });
    await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: { Region: IVT.INDEXED_VALUE_TYPE_KEYWORD } });
    worker = await serverWorker({ connection: env.nativeConnection, taskQueue: TQ });
    running = worker.run();
    const start = (id: string, type: string, args: unknown[], attrs: SearchAttributePair[] = []) =>
      env.client.workflow.start(type, { taskQueue: TQ, workflowId: id, args, typedSearchAttributes: attrs }).then((h) => (handles[id] = h));
    await start('vis-a', 'quick', ['a'], [
      { key: K.keyword, value: 'alpha' }, { key: K.list, value: ['red', 'green'] }, { key: K.int, value: 1 },
      { key: K.double, value: 1.5 }, { key: K.bool, value: true }, { key: K.datetime, value: new Date('2024-01-01T00:00:00Z') },
      { key: K.text, value: 'the quick brown fox' },
    ]);
    await handles['vis-a'].result();
    await start('vis-b', 'quick', ['b'], [
      { key: K.keyword, value: 'beta' }, { key: K.list, value: ['blue'] }, { key: K.int, value: 5 },
      { key: K.double, value: 2.5 }, { key: K.bool, value: false }, { key: K.datetime, value: new Date('2024-06-01T00:00:00Z') },
      { key: K.text, value: 'lazy dog sleeps' },
    ]);
    await handles['vis-b'].result();
    await new Promise((r) => setTimeout(r, 5));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await start('vis-c', 'waitForFinish', [], [{ key: K.keyword, value: 'gamma' }, { key: K.int, value: 10 }, { key: region, value: 'eu' }]);
    await start('vis-d', 'failing', ['boom'], [{ key: K.keyword, value: 'delta' }, { key: K.int, value: 7 }]);
    await handles['vis-d'].result().catch(() => undefined);
  });

  afterAll(async () => {
    await handles['vis-c']?.signal('finish').catch(() => undefined);
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('registers the search attributes createLocal passes as --search-attribute and those added through OperatorService', async () => {
    const res = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(res.customAttributes).toMatchObject({
      CustomKeyword: IVT.INDEXED_VALUE_TYPE_KEYWORD, CustomKeywordList: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
      CustomInt: IVT.INDEXED_VALUE_TYPE_INT, CustomDouble: IVT.INDEXED_VALUE_TYPE_DOUBLE, CustomBool: IVT.INDEXED_VALUE_TYPE_BOOL,
      CustomDatetime: IVT.INDEXED_VALUE_TYPE_DATETIME, CustomText: IVT.INDEXED_VALUE_TYPE_TEXT, Region: IVT.INDEXED_VALUE_TYPE_KEYWORD,
    });
    expect(res.systemAttributes).toMatchObject({ WorkflowId: IVT.INDEXED_VALUE_TYPE_KEYWORD, StartTime: IVT.INDEXED_VALUE_TYPE_DATETIME });
  });

  it('filters on the system attributes WorkflowId, WorkflowType, ExecutionStatus and TaskQueue', async () => {
    expect(await sorted(`WorkflowId = 'vis-b'`)).toEqual(['vis-b']);
    expect(await sorted(`WorkflowType = 'quick'`)).toEqual(['vis-a', 'vis-b']);
    expect(await sorted(`ExecutionStatus = 'Running'`)).toEqual(['vis-c']);
    expect(await sorted(`ExecutionStatus = 'Completed'`)).toEqual(['vis-a', 'vis-b']);
    expect(await sorted(`ExecutionStatus = 'Failed'`)).toEqual(['vis-d']);
    expect(await ids(`TaskQueue = 'no-such-queue'`)).toEqual([]);
  });

  it('compares StartTime and CloseTime with timestamps', async () => {
    expect(await sorted(`StartTime > '${between}'`)).toEqual(['vis-c', 'vis-d']);
    expect(await sorted(`StartTime <= '${between}'`)).toEqual(['vis-a', 'vis-b']);
    expect(await sorted(`CloseTime < '${between}'`)).toEqual(['vis-a', 'vis-b']);
    expect(await sorted(`CloseTime > '${between}'`)).toEqual(['vis-d']);
    expect(await sorted(`CloseTime IS NULL`)).toEqual(['vis-c']);
  });

  it('filters on custom Keyword, KeywordList, Int, Double, Bool, Datetime and Text attributes', async () => {
    expect(await sorted(`CustomKeyword = 'beta'`)).toEqual(['vis-b']);
    expect(await sorted(`CustomKeyword IN ('alpha', 'gamma')`)).toEqual(['vis-a', 'vis-c']);
    expect(await sorted(`CustomKeyword STARTS_WITH 'de'`)).toEqual(['vis-d']);
    expect(await sorted(`CustomKeywordList = 'green'`)).toEqual(['vis-a']);
    expect(await sorted(`CustomKeywordList IN ('blue', 'red')`)).toEqual(['vis-a', 'vis-b']);
    expect(await sorted(`CustomInt > 5`)).toEqual(['vis-c', 'vis-d']);
    expect(await sorted(`CustomInt BETWEEN 2 AND 7`)).toEqual(['vis-b', 'vis-d']);
    expect(await sorted(`CustomDouble >= 2.0`)).toEqual(['vis-b']);
    expect(await sorted(`CustomBool = true`)).toEqual(['vis-a']);
    expect(await sorted(`CustomBool = false`)).toEqual(['vis-b']);
    expect(await sorted(`CustomDatetime > '2024-03-01T00:00:00Z'`)).toEqual(['vis-b']);
    expect(await sorted(`CustomText = 'fox'`)).toEqual(['vis-a']);
    expect(await sorted(`CustomBool IS NULL`)).toEqual(['vis-c', 'vis-d']);
    expect(await sorted(`Region = 'eu'`)).toEqual(['vis-c']);
  });

  it('combines conditions with AND, OR and parentheses', async () => {
    expect(await sorted(`CustomInt < 6 AND CustomKeyword = 'beta' OR CustomKeyword = 'gamma'`)).toEqual(['vis-b', 'vis-c']);
    expect(await sorted(`CustomInt < 6 AND (CustomKeyword = 'beta' OR CustomKeyword = 'gamma')`)).toEqual(['vis-b']);
    expect(await sorted(`(ExecutionStatus = 'Running' OR ExecutionStatus = 'Failed') AND CustomInt >= 10`)).toEqual(['vis-c']);
  });

  it('orders by StartTime and pages through the results', async () => {
    const all = ['vis-a', 'vis-b', 'vis-c', 'vis-d'];
    expect(await ids(`TaskQueue = '${TQ}' ORDER BY StartTime DESC`, 3)).toEqual([...all].reverse());
    expect(await ids(`TaskQueue = '${TQ}' ORDER BY StartTime ASC`, 1)).toEqual(all);
    const first = await env.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `TaskQueue = '${TQ}'`, pageSize: 3 });
    expect(first.executions).toHaveLength(3);
    const second = await env.client.workflowService.listWorkflowExecutions({
      namespace: 'default', query: `TaskQueue = '${TQ}'`, pageSize: 3, nextPageToken: first.nextPageToken,
    });
    expect(second.executions.map((e) => e.execution?.workflowId)).toEqual(['vis-a']);
    expect(second.nextPageToken?.length ?? 0).toBe(0);
  });

  it('counts matches, and groups counts by ExecutionStatus', async () => {
    expect((await env.client.workflow.count(`TaskQueue = '${TQ}' AND CustomInt >= 5`)).count).toBe(3);
    const grouped = await env.client.workflow.count(`TaskQueue = '${TQ}' GROUP BY ExecutionStatus`);
    expect(grouped.count).toBe(4);
    const groups = Object.fromEntries(grouped.groups.map((g) => [String(g.groupValues[0]), g.count]));
    expect(groups).toEqual({ Completed: 2, Running: 1, Failed: 1 });
  });

  it.each([
    ['a syntax error', `WorkflowId = `],
    ['an unknown attribute', `NoSuchAttribute = 'x'`],
    ['a value of the wrong type', `CustomInt = 'abc'`],
    ['an invalid timestamp', `StartTime > 'yesterday'`],
    ['GROUP BY on anything but ExecutionStatus', `GROUP BY WorkflowType`],
    ['trailing garbage', `WorkflowId = 'a' 'b'`],
  ])('rejects %s with INVALID_ARGUMENT', async (_what, query) => {
    await expect(env.client.workflowService.listWorkflowExecutions({ namespace: 'default', query }))
      .rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('rejects a start naming an unregistered search attribute with INVALID_ARGUMENT', async () => {
    await expect(env.client.workflow.start('quick', {
      taskQueue: TQ, workflowId: 'vis-unregistered', args: ['x'], searchAttributes: { NotRegistered: ['x'] },
    })).rejects.toMatchObject({ cause: { code: status.INVALID_ARGUMENT } });
    await expect(env.client.workflow.start('quick', {
      taskQueue: TQ, workflowId: 'vis-wrong-type', args: ['x'], searchAttributes: { CustomInt: ['not a number'] },
    })).rejects.toMatchObject({ cause: { code: status.INVALID_ARGUMENT } });
  });

  it('returns the start search attributes, typed, from describe()', async () => {
    const d = await handles['vis-a'].describe();
    expect(d.typedSearchAttributes.get(K.keyword)).toBe('alpha');
    expect(d.typedSearchAttributes.get(K.list)).toEqual(['red', 'green']);
    expect(d.typedSearchAttributes.get(K.int)).toBe(1);
    expect(d.typedSearchAttributes.get(K.double)).toBe(1.5);
    expect(d.typedSearchAttributes.get(K.bool)).toBe(true);
    expect(d.typedSearchAttributes.get(K.datetime)).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(d.typedSearchAttributes.get(K.text)).toBe('the quick brown fox');
  });

  it('applies typed upserts from the workflow, including removal with null, to describe() and queries', async () => {
    const h = await env.client.workflow.start('upsertTyped', {
      taskQueue: TQ, workflowId: 'vis-upsert-typed', typedSearchAttributes: [{ key: K.keyword, value: 'before' }],
      args: [[{ key: K.keyword, value: 'after' }, { key: K.int, value: 42 }, { key: K.bool, value: true }, { key: K.bool, value: null },
        { key: K.datetime, value: new Date('2030-01-02T03:04:05.678Z') }, { key: K.list, value: ['x', 'y'] }]],
    });
    const d = await eventually(async () => {
      const desc = await h.describe();
      return desc.typedSearchAttributes.get(K.int) === 42 ? desc : undefined;
    }, 5000, 'upsert');
    expect(d.typedSearchAttributes.get(K.keyword)).toBe('after');
    expect(d.typedSearchAttributes.get(K.bool)).toBeUndefined();
    expect(d.typedSearchAttributes.get(K.datetime)).toEqual(new Date('2030-01-02T03:04:05.678Z'));
    expect(d.typedSearchAttributes.get(K.list)).toEqual(['x', 'y']);
    expect(await ids(`WorkflowId = 'vis-upsert-typed' AND CustomInt = 42 AND CustomKeyword = 'after' AND CustomBool IS NULL`)).toEqual(['vis-upsert-typed']);
    expect(await ids(`CustomKeyword = 'before'`)).toEqual([]);
    await h.signal('finish');
    await h.result();
  });

  it('applies legacy untyped upserts, reporting them typed and comparing them by the registered type', async () => {
    const h = await env.client.workflow.start('upsertLegacy', {
      taskQueue: TQ, workflowId: 'vis-upsert-legacy', args: [{ CustomInt: [9], CustomKeyword: ['legacy'], CustomDatetime: [new Date('2031-01-01T00:00:00Z')] }],
    });
    const d = await eventually(async () => {
      const desc = await h.describe();
      return desc.typedSearchAttributes.get(K.int) !== undefined ? desc : undefined;
    }, 5000, 'legacy upsert');
    expect(d.typedSearchAttributes.get(K.int)).toBe(9);
    expect(d.typedSearchAttributes.get(K.keyword)).toBe('legacy');
    expect(d.typedSearchAttributes.get(K.datetime)).toEqual(new Date('2031-01-01T00:00:00Z'));
    expect(await ids(`CustomInt > 8 AND CustomInt < 10 AND CustomDatetime >= '2031-01-01T00:00:00Z'`)).toEqual(['vis-upsert-legacy']);
    await h.signal('finish');
    await h.result();
  });

  it('fails the workflow task of an upsert with a value of the wrong type, leaving the attributes unchanged', async () => {
    const h = await env.client.workflow.start('upsertLegacy', {
      taskQueue: TQ, workflowId: 'vis-upsert-bad', args: [{ CustomInt: ['not a number'] }],
    });
    const failed = await eventually(async () => {
      const history = await h.fetchHistory();
      return history.events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes ?? undefined;
    }, 10_000, 'workflow task failure');
    expect(failed.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES);
    expect((await h.describe()).typedSearchAttributes.get(K.int)).toBeUndefined();
    await h.terminate();
  });
});
