// Servers (their entities), one server's billing clock, operations and timeline, and bulk actions.
import { api, query } from './api.js';
import { $, el, facts, fillBody, row, statusBadge, time } from './dom.js';

const ORDER_ACTIONS = ['retry', 'cancel'];

function serverRow(s) {
  const link = el('a', { href: `#server/${encodeURIComponent(s.orderId)}`, text: s.orderId });
  return row([link, statusBadge(s.status), s.tier, s.userId, s.node, time(s.createdAt), time(s.closedAt)]);
}

function renderServer(s) {
  $('#server-id').textContent = s.orderId;
  $('#server-status').replaceChildren(statusBadge(s.status));
  const by = Object.entries(s.suspendedBy)
    .filter(([, on]) => on)
    .map(([reason]) => reason);
  const l = s.limits;
  facts($('#server-facts'), [
    ['panel server', `#${s.server.id} ${s.server.identifier}`],
    ['node', s.server.node],
    ['address', `${s.server.allocation.ip}:${s.server.allocation.port}`],
    ['limits', l ? `${l.memory} MiB, ${l.disk} MiB disk, ${l.cpu}% CPU` : null],
    ['tier / user', `${s.tier} / ${s.userId}`],
    ['suspended by', by.length ? by.join(', ') : 'nobody'],
  ]);
  const b = s.billing;
  facts($('#billing-facts'), [
    ['state', b.state],
    ['suspend at', time(b.suspendAt)],
    ['delete at', time(b.deleteAt)],
    ['next', b.next ? `${b.next.action.replace('_', ' ')} at ${time(b.next.at)}` : 'nothing pending'],
  ]);
  const gone = s.status === 'DELETING' || s.status === 'DELETED';
  $('#billing-actions').hidden = gone;
  fillBody(
    $('#server-operations'),
    [...s.operations]
      .reverse()
      .map((o) => row([o.operation, o.requestedBy, statusBadge(o.status), time(o.at), o.error ? o.error.message : ''])),
  );
  fillBody(
    $('#server-timeline'),
    [...s.timeline].reverse().map((t) => row([time(t.at), statusBadge(t.status), t.detail])),
  );
  $('#server-section').hidden = false;
}

function renderBulk(b) {
  facts($('#bulk-progress'), [
    ['bulk action', `${b.action} (${b.bulkId})`],
    ['status', statusBadge(b.status)],
    ['progress', `${b.done} done, ${b.skipped} skipped, ${b.failed} failed of ${b.total}${b.truncated ? '+' : ''}`],
    ...b.failures.slice(0, 10).map((f) => [`failed: ${f.orderId}`, f.reason]),
  ]);
  $('#bulk-cancel').hidden = !['LISTING', 'RUNNING'].includes(b.status);
}

/** The servers part of the dashboard; `guarded` reports failures as app.js does. */
export function createServers({ guarded, notice }) {
  const s = { filters: {}, cursor: null, orderId: null, bulk: null };

  async function loadServers(append = false) {
    const page = await api(`/v1/servers${query({ ...s.filters, cursor: append ? s.cursor : undefined })}`);
    const rows = page.servers.map(serverRow);
    if (append) $('#servers').tBodies[0].append(...rows);
    else fillBody($('#servers'), rows);
    $('#servers-empty').hidden = $('#servers').tBodies[0].rows.length > 0;
    s.cursor = page.nextCursor;
    $('#servers-more').hidden = !s.cursor;
  }

  async function loadServer() {
    if (!s.orderId) return;
    const server = await api(`/v1/servers/${encodeURIComponent(s.orderId)}`);
    if (server.orderId === s.orderId) renderServer(server);
  }

  async function loadBulk() {
    if (!s.bulk) return;
    const bulk = await api(s.bulk.links.self);
    s.bulk = bulk;
    renderBulk(bulk);
  }

  /** Opens `#server/<id>`; false for any other hash. */
  async function route(hash) {
    const match = /^#server\/(.+)$/.exec(hash);
    s.orderId = match ? decodeURIComponent(match[1]) : null;
    if (!s.orderId) $('#server-section').hidden = true;
    else await guarded(loadServer);
    return s.orderId !== null;
  }

  /** The open server and a bulk action still running (each by its id: no visibility). */
  const refresh = () => Promise.all([loadServer(), s.bulk && s.bulk.finishedAt === null ? loadBulk() : null]);

  async function billing(body) {
    await guarded(async () => {
      renderServer(await api(`/v1/servers/${encodeURIComponent(s.orderId)}/billing`, { method: 'POST', body }));
      notice(
        body.state === 'paid' ? 'Marked paid: the billing clock stopped.' : 'Overdue: the server is suspended now.',
      );
    });
  }

  async function startBulk() {
    const action = $('#bulk-action').value;
    const filter = { userId: s.filters.userId, tier: s.filters.tier };
    if (!ORDER_ACTIONS.includes(action)) Object.assign(filter, { node: s.filters.node, status: s.filters.status });
    if (action === 'retry') filter.parkedReason = $('#bulk-parked-reason').value;
    for (const [key, value] of Object.entries(filter))
      if (value === undefined || value === '') delete filter[key];
      else if (key === 'userId' || key === 'node') filter[key] = Number(value);
    const reason = $('#bulk-reason').value.trim();
    await guarded(async () => {
      s.bulk = await api('/v1/bulk', { method: 'POST', body: { action, filter, ...(reason ? { reason } : {}) } });
      renderBulk(s.bulk);
      notice(`Bulk ${action} started.`);
    });
  }

  function wire() {
    $('#server-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      s.filters = {
        status: $('#server-filter-status').value,
        tier: $('#server-filter-tier').value,
        userId: $('#server-filter-user').value.trim(),
        node: $('#server-filter-node').value.trim(),
      };
      void guarded(() => loadServers());
    });
    $('#servers-more').addEventListener('click', () => void guarded(() => loadServers(true)));
    $('#close-server').addEventListener('click', () => {
      location.hash = '';
    });
    $('#billing-paid').addEventListener('click', () => void billing({ state: 'paid' }));
    $('#billing-overdue').addEventListener('click', () => void billing({ state: 'overdue' }));
    $('#bulk-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void startBulk();
    });
    $('#bulk-cancel').addEventListener(
      'click',
      () =>
        void guarded(async () => {
          await api(s.bulk.links.cancel, { method: 'POST' });
          await loadBulk();
        }),
    );
  }

  return { loadServers, route, refresh, wire };
}
