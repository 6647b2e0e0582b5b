// Renders API answers into the page (textContent only, see dom.js).
import { $, el, externalLink, facts, fillBody, row, statusBadge, text, time } from './dom.js';

const TERMINAL = ['ACTIVE', 'FAILED', 'CANCELLED'];
const isTerminal = (status) => TERMINAL.includes(status);

function card(title, pairs) {
  const dl = el('dl');
  facts(dl, pairs);
  return el('div', { className: 'card' }, el('h3', { text: title }), dl);
}

const count = (byStatus) => Object.entries(byStatus ?? {}).map(([status, n]) => [status, n]);

export function renderQueue(q) {
  const cards = [
    card('Waiting', [
      ['total', q.backlog.total],
      ...count(q.backlog.byStatus),
      ['counted', q.census ? `${q.census.state}${q.census.takenAt ? `, ${time(q.census.takenAt)}` : ''}` : null],
    ]),
    card(
      'Waiting by tier',
      Object.entries(q.backlog.byTier).map(([tier, b]) => [tier, b.total]),
    ),
    card('In progress', [['total', q.inProgress.total], ...count(q.inProgress.byStatus).filter(([, n]) => n > 0)]),
    card('Service', [
      [
        'seconds per order',
        q.service.perOrderSeconds === null ? 'not enough data yet' : Math.round(q.service.perOrderSeconds * 10) / 10,
      ],
      ['estimated from', q.service.source ?? `too few finished orders`],
      [`finished in last ${Math.round(q.service.windowSeconds / 60)} min`, q.service.completedInWindow],
      ['max in flight per user', q.limits.maxInflightPerUser],
    ]),
  ];
  const flow = q.flowControl ?? { state: 'unanswered' };
  const budget = flow.budget;
  cards.push(
    card('Provider budget', [
      ['flow control', flow.state],
      ['rate now / max (per min)', budget ? `${budget.ratePerMinute} / ${budget.maxRatePerMinute}` : null],
      ['panel limit (per min)', budget ? budget.limitPerMinute : null],
      ['calls last minute', budget ? budget.callsLastMinute : null],
      ['429s last minute', budget ? budget.rateLimitedLastMinute : null],
      ['panel remaining', budget ? budget.panelRemaining : null],
    ]),
  );
  const breakers = (flow.breakers ?? []).map((b) => [
    b.scope === 'panel' ? 'panel' : `node ${b.nodeId}`,
    `${b.state}${b.retryAt ? ` (retry ${time(b.retryAt)})` : ''}`,
  ]);
  if (breakers.length) cards.push(card('Breakers', breakers));
  const tq = q.taskQueues ?? {};
  const backlogOf = (stats) => (stats ? `${stats.backlog} (oldest ${Math.round(stats.oldestAgeSeconds)} s)` : null);
  cards.push(
    card('Task queues', [
      ['orders: workflow tasks', backlogOf(tq.orders?.workflow)],
      ['orders: activity tasks', backlogOf(tq.orders?.activity)],
      ['provider calls', backlogOf(tq.provider)],
      ['planning steps', backlogOf(tq.planning)],
    ]),
  );
  $('#queue').replaceChildren(el('div', { className: 'cards' }, ...cards));
}

export function orderRow(order) {
  const link = el('a', {
    href: `#order/${encodeURIComponent(order.orderId)}`,
    text: order.orderId,
    dataset: { orderId: order.orderId },
  });
  const temporal = order.links?.temporalUi ? externalLink(order.links.temporalUi, 'history') : '—';
  return row([
    link,
    statusBadge(order.status),
    order.tier,
    order.userId,
    time(order.createdAt),
    time(order.closedAt),
    temporal,
  ]);
}

export function renderOrders(orders, append) {
  const table = $('#orders');
  const rows = orders.map(orderRow);
  if (append) table.tBodies[0].append(...rows);
  else fillBody(table, rows);
  $('#orders-empty').hidden = table.tBodies[0].rows.length > 0;
}

function server(s) {
  if (!s) return null;
  return `#${s.id} ${s.identifier} on node ${s.node} at ${s.allocation.ip}:${s.allocation.port}`;
}

function errorText(e) {
  return `${e.step ?? 'workflow'}: ${e.type}: ${e.message}${e.compensation ? ` (rollback: ${e.compensation})` : ''}`;
}

function renderParked(parked) {
  $('#order-parked').hidden = !parked;
  if (!parked) return;
  const l = parked.ledger ?? {};
  facts($('#parked-facts'), [
    ['reason', parked.reason],
    ['step', parked.step],
    ['since', time(parked.since)],
    ['parking', parked.sequence],
    ['last errors', (parked.errors ?? []).map(errorText).join('\n') || null],
    ['server', l.serverId === null || l.serverId === undefined ? null : `#${l.serverId} ${l.serverUuid ?? ''}`],
    ['node', l.nodeId],
    ['allocation', l.allocation ? `${l.allocation.ip}:${l.allocation.port}` : null],
    ['reservation held', l.reservationHeld === undefined ? null : String(l.reservationHeld)],
    ['pending rollbacks', (l.pendingCompensations ?? []).join(', ') || null],
    ['failed rollbacks', (l.failedCompensations ?? []).join(', ') || null],
    ['operators notified', parked.webhook ? (parked.webhook.error ?? String(parked.webhook.sent)) : null],
    [
      'resolution',
      parked.resolution
        ? `${parked.resolution.action} at ${time(parked.resolution.at)}: ${parked.resolution.note}`
        : null,
    ],
  ]);
}

export function renderOrder(order) {
  $('#order-id').textContent = order.orderId;
  $('#order-status').replaceWith(Object.assign(statusBadge(order.status), { id: 'order-status' }));
  facts($('#order-facts'), [
    ['step', order.step],
    ['tier', order.tier],
    ['user', order.userId],
    ['created', time(order.createdAt)],
    ['updated', time(order.updatedAt)],
    ['source', order.source],
    ['queue position', order.queue ? order.queue.position : null],
    ['position counted', order.queue?.asOf ? time(order.queue.asOf) : null],
    ['queue ETA (s)', order.queue ? order.queue.etaSeconds : null],
    ['server', server(order.server)],
    ['Temporal UI', order.links?.temporalUi ? externalLink(order.links.temporalUi, 'open workflow history') : null],
  ]);
  const errors = [order.error, ...(order.compensationErrors ?? [])].filter(Boolean);
  $('#order-error').replaceChildren(
    ...(errors.length ? errors.map((e) => el('pre', { text: errorText(e) })) : [el('span', { text: 'none' })]),
  );
  fillBody(
    $('#timeline'),
    (order.timeline ?? []).map((t) => row([time(t.at), statusBadge(t.status), t.detail])),
  );
  renderParked(order.parked);
  $('#cancel-order').hidden = isTerminal(order.status);
  $('#parked-actions').hidden = order.status !== 'NEEDS_ATTENTION';
  $('#operation-form').hidden = !isTerminal(order.status);
}

const CANCELLABLE_OPERATION = ['RUNNING', 'WAITING_FOR_PROVIDER'];

const cancelOperationButton = (o) =>
  CANCELLABLE_OPERATION.includes(o.status)
    ? el('button', {
        type: 'button',
        className: 'cancel-operation',
        dataset: { operationId: o.operationId, operation: o.operation ?? 'operation' },
        text: 'Cancel',
      })
    : el('span');

export function renderOperations(list) {
  const operations = list?.operations ?? [];
  fillBody(
    $('#operations'),
    operations.map((o) =>
      row([
        o.operation ?? 'unknown',
        statusBadge(o.status),
        time(o.startedAt),
        time(o.updatedAt),
        text(o.error ? errorText(o.error) : null),
        cancelOperationButton(o),
      ]),
    ),
  );
  $('#operations-empty').hidden = operations.length > 0;
}

const failureText = (f) => (f ? `${f.type ? `${f.type}: ` : ''}${f.message}${f.cause ? ` (${f.cause})` : ''}` : null);

export function renderHistory(history) {
  const w = history.workflow;
  $('#history-summary').textContent =
    `workflow ${w.outcome}, ${history.eventCount} events, ${history.activities.length} activities` +
    `${history.truncated ? ' (oldest left out)' : ''}${w.failure ? `; ${failureText(w.failure)}` : ''}`;
  fillBody(
    $('#activities'),
    history.activities.map((a) =>
      row([
        a.activityType,
        statusBadge(a.status),
        a.attempt,
        time(a.scheduledAt),
        time(a.startedAt),
        time(a.closedAt),
        text(failureText(a.failure)),
      ]),
    ),
  );
  const failures = history.workflowTaskFailures ?? [];
  $('#task-failures').replaceChildren(
    ...(failures.length
      ? [
          el('h3', { text: 'Workflow task failures' }),
          ...failures.map((f) => el('pre', { text: `${time(f.at)} ${text(failureText(f.failure))}` })),
        ]
      : []),
  );
}

export function clearHistory(message) {
  $('#history-summary').textContent = message;
  fillBody($('#activities'), []);
  $('#task-failures').replaceChildren();
}
