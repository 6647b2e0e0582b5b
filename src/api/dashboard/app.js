// The operator dashboard: orders, one order's timeline and history, queue and budget, operator actions, servers.
// Every 5 s it refreshes the queue (the queue census) and the open order (its workflow); the order list and an
// order's operations, which Temporal visibility answers, refresh when opened or on "Refresh".
import { createActions } from './actions.js';
import { ApiFailure, api, failureText, forgetKey, query, storeKey, storedKey } from './api.js';
import { fitCharts, renderCharts } from './charts.js';
import { $, el } from './dom.js';
import { createServers } from './servers.js';
import { createReconcile } from './reconcile.js';
import { clearHistory, renderHistory, renderOperations, renderOrder, renderOrders, renderQueue } from './views.js';

const REFRESH_MS = 5000;
const state = {
  filters: {},
  cursor: null,
  appended: false,
  orderId: null,
  orderStatus: null,
  timer: null,
  operations: [],
};
const OPERATION_ENDED = ['COMPLETED', 'FAILED', 'CANCELLED'];

function notice(message) {
  $('#notice').textContent = message ?? '';
  $('#notice').hidden = !message;
}

function showLogin(message) {
  clearTimeout(state.timer);
  $('#main').hidden = true;
  $('#forget-key').hidden = true;
  $('#login').hidden = false;
  notice(message);
  $('#api-key').focus();
}

async function guarded(work) {
  try {
    await work();
    return true;
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) {
      forgetKey();
      showLogin('The API key was refused; enter it again.');
    } else {
      notice(err instanceof ApiFailure ? failureText(err) : `Request failed: ${err.message}`);
    }
    return false;
  }
}

async function loadMeta() {
  const meta = await fetch('/dashboard/meta.json', { cache: 'no-store' }).then((res) => res.json());
  for (const [select, values] of [
    [$('#filter-status'), meta.statuses],
    [$('#filter-tier'), meta.tiers],
  ]) {
    select.replaceChildren(
      el('option', { value: '', text: 'any' }),
      ...values.map((v) => el('option', { value: v, text: v })),
    );
  }
}

async function loadQueue() {
  const [queue, history] = await Promise.all([api('/v1/queue'), api('/v1/queue/history')]);
  renderQueue(queue);
  renderCharts(history);
}

async function loadOrders(append = false) {
  const page = await api(`/v1/orders${query({ ...state.filters, cursor: append ? state.cursor : undefined })}`);
  renderOrders(page.orders, append);
  state.cursor = page.nextCursor;
  state.appended = append;
  $('#more').hidden = !state.cursor;
}

/**
 * The order's server operations: listed (Temporal visibility) when the order is opened or refreshed by hand; the
 * automatic refresh only follows the ones still running, each by its id, so an open dashboard costs no visibility.
 */
async function loadOperations(path, listed) {
  if (listed) {
    state.operations = (await api(`${path}/operations`)).operations ?? [];
  } else {
    state.operations = await Promise.all(
      state.operations.map((o) =>
        OPERATION_ENDED.includes(o.status) ? o : api(`${path}/operations/${encodeURIComponent(o.operationId)}`),
      ),
    );
  }
  return { operations: state.operations };
}

/** Shows the operation (as GET /v1/orders/:id/operations/:operationId has it) in the table, newest first. */
function showOperation(operation) {
  state.operations = [operation, ...state.operations.filter((o) => o.operationId !== operation.operationId)];
  renderOperations({ operations: state.operations });
}

async function loadOrder({ listOperations = true } = {}) {
  if (!state.orderId) return;
  const path = `/v1/orders/${encodeURIComponent(state.orderId)}`;
  const order = await api(path);
  if (order.orderId !== state.orderId) return;
  state.orderStatus = order.status;
  renderOrder(order);
  $('#order-section').hidden = false;
  const [history, operations] = await Promise.allSettled([
    api(`${path}/history`),
    loadOperations(path, listOperations),
  ]);
  for (const result of [history, operations]) {
    if (result.status === 'rejected' && result.reason instanceof ApiFailure && result.reason.status === 401)
      throw result.reason;
  }
  if (history.status === 'fulfilled') renderHistory(history.value);
  else clearHistory(`History unavailable: ${history.reason.message}`);
  renderOperations(operations.status === 'fulfilled' ? operations.value : null);
}

function scheduleRefresh() {
  clearTimeout(state.timer);
  state.timer = setTimeout(async () => {
    const ok = await guarded(async () => {
      await Promise.all([
        loadQueue(),
        state.orderId ? loadOrder({ listOperations: false }) : null,
        servers.refresh(),
        reconcile.load(),
      ]);
    });
    if (ok) $('#updated').textContent = `updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}`;
    if (!$('#main').hidden) scheduleRefresh();
  }, REFRESH_MS);
}

async function route() {
  await servers.route(location.hash);
  const match = /^#order\/(.+)$/.exec(location.hash);
  state.orderId = match ? decodeURIComponent(match[1]) : null;
  state.operations = [];
  if (!state.orderId) {
    $('#order-section').hidden = true;
    return;
  }
  clearHistory('Loading history…');
  await guarded(loadOrder);
}

async function enter() {
  if (!(await guarded(loadQueue))) return;
  $('#login').hidden = true;
  $('#main').hidden = false;
  $('#forget-key').hidden = false;
  fitCharts();
  notice(null);
  await guarded(loadOrders);
  await guarded(() => servers.loadServers());
  await guarded(() => reconcile.load());
  await route();
  scheduleRefresh();
}

const actions = createActions({ state, guarded, notice, loadOrder, loadOrders, showOperation });
const servers = createServers({ guarded, notice });
const reconcile = createReconcile({ guarded, notice });

function wire() {
  $('#key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('#api-key').value.trim();
    $('#api-key').value = '';
    if (!key) return;
    storeKey(key);
    void enter();
  });
  $('#forget-key').addEventListener('click', () => {
    forgetKey();
    showLogin(null);
  });
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = {
      status: $('#filter-status').value,
      tier: $('#filter-tier').value,
      userId: $('#filter-user').value.trim(),
    };
    state.appended = false;
    void guarded(loadOrders);
  });
  $('#refresh').addEventListener(
    'click',
    () =>
      void guarded(async () => {
        state.appended = false;
        await Promise.all([loadQueue(), loadOrders(), loadOrder()]);
      }),
  );
  $('#more').addEventListener('click', () => void guarded(() => loadOrders(true)));
  $('#close-order').addEventListener('click', () => {
    location.hash = '';
  });
  window.addEventListener('hashchange', () => void route());
  window.addEventListener('resize', fitCharts);
  $('#operation-kind').addEventListener('change', () => {
    $('#resize-build').hidden = $('#operation-kind').value !== 'resize';
  });
  $('#operation-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void actions.startOperation(event.target);
  });
  $('#operations').addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.cancel-operation') : null;
    if (button) void actions.cancelOperation(button);
  });
  const actionButtons = [$('#cancel-order'), ...document.querySelectorAll('#parked-actions button')];
  $('#cancel-order').addEventListener('click', () => {
    const reason = $('#action-note').value.trim();
    void actions.act('Cancel', '/cancel', reason ? { reason } : {}, actionButtons);
  });
  for (const button of document.querySelectorAll('#parked-actions button')) {
    button.addEventListener('click', () => {
      const note = $('#action-note').value.trim();
      if (!note) {
        notice('Write a note first: actions on a parked order are recorded with it.');
        return;
      }
      void actions.act(button.textContent, '/actions', { action: button.dataset.action, note }, actionButtons);
    });
  }
}

wire();
servers.wire();
reconcile.wire();
void guarded(loadMeta).then(() => (storedKey() ? enter() : showLogin(null)));
