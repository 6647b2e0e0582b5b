// Operator actions from the dashboard (order cancel, parked-order actions, server operations), each followed until it shows.
import { api } from './api.js';
import { $ } from './dom.js';

const OPERATION_ENDED = ['COMPLETED', 'FAILED', 'CANCELLED'];
const FOLLOW_UP_POLLS = 20;
const pause = () => new Promise((resolve) => setTimeout(resolve, 750));

const BUILD_FIELDS = ['memory', 'swap', 'disk', 'io', 'cpu'];

/** The resize limits as typed; an empty field is left out, so the API names it. */
function buildOf(form) {
  const build = {};
  for (const name of BUILD_FIELDS) {
    const value = form.elements.namedItem(name).value.trim();
    if (value !== '') build[name] = Number(value);
  }
  return build;
}

/** `page`: the dashboard's state and its guarded(), notice(), loadOrder(), loadOrders() and showOperation(). */
export function createActions(page) {
  const { state, guarded, notice, loadOrder, loadOrders, showOperation } = page;
  const orderPath = () => `/v1/orders/${encodeURIComponent(state.orderId)}`;

  async function followOrder(before) {
    for (let i = 0; i < FOLLOW_UP_POLLS; i += 1) {
      await pause();
      if (!(await guarded(loadOrder)) || state.orderStatus !== before) break;
    }
    await guarded(loadOrders);
  }

  async function followOperation(path) {
    let ended = false;
    for (let i = 0; i < FOLLOW_UP_POLLS && !ended; i += 1) {
      await pause();
      const ok = await guarded(async () => {
        const operation = await api(path);
        showOperation(operation);
        ended = OPERATION_ENDED.includes(operation.status);
      });
      if (!ok) break;
    }
    await guarded(() => loadOrder({ listOperations: false }));
  }

  /** Disables `buttons` while `send` posts and `follow` watches what it started; a refusal shows in the notice. */
  async function submit(buttons, send, follow) {
    buttons.forEach((b) => {
      b.disabled = true;
    });
    try {
      let answer = null;
      const done = await guarded(async () => {
        answer = await send();
      });
      if (done) await follow(answer);
    } finally {
      buttons.forEach((b) => {
        b.disabled = false;
      });
    }
  }

  async function act(label, path, body, buttons) {
    if (!state.orderId || !window.confirm(`${label} order ${state.orderId}?`)) return;
    const before = state.orderStatus;
    await submit(
      buttons,
      async () => {
        await api(`${orderPath()}${path}`, { method: 'POST', body });
        notice(`${label}: requested for ${state.orderId}.`);
        $('#action-note').value = '';
      },
      () => followOrder(before),
    );
  }

  async function cancelOperation(button) {
    const { operationId, operation } = button.dataset;
    if (
      !state.orderId ||
      !window.confirm(`Cancel the ${operation} of order ${state.orderId}? What it changed is rolled back.`)
    )
      return;
    const path = `${orderPath()}/operations/${encodeURIComponent(operationId)}`;
    const reason = $('#action-note').value.trim();
    await submit(
      [button],
      async () => {
        await api(`${path}/cancel`, { method: 'POST', body: reason ? { reason } : {} });
        notice(`Cancel: requested for the ${operation} ${operationId}.`);
        $('#action-note').value = '';
      },
      () => followOperation(path),
    );
  }

  async function startOperation(form) {
    const operation = $('#operation-kind').value;
    if (!state.orderId || !window.confirm(`Start a ${operation} of the server of order ${state.orderId}?`)) return;
    const body = { operation };
    if (operation === 'resize') body.build = buildOf(form);
    await submit(
      [form.querySelector('button[type="submit"]')],
      async () => {
        const accepted = await api(`${orderPath()}/operations`, { method: 'POST', body });
        notice(`${operation}: started (${accepted.operationId}).`);
        return accepted.links.self;
      },
      followOperation,
    );
  }

  return { act, cancelOperation, startOperation };
}
