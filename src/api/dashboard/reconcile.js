// The reconciliation sweep: its schedule, the newest report's findings, and a sweep on demand.
import { api } from './api.js';
import { $, facts, fillBody, row, time } from './dom.js';

function findingRows(last) {
  return [
    ...last.lost.map((f) => row(['lost', `order ${f.orderId}, server ${f.serverId}`, f.action, f.detail])),
    ...last.strays.map((f) => row(['stray', `server ${f.serverId} (${f.externalId})`, f.action, f.detail])),
    ...last.drift.map((f) =>
      row(['drift', `order ${f.orderId}: ${f.drift.map((d) => d.field).join(', ')}`, f.action, f.detail]),
    ),
  ];
}

function render(status) {
  const { schedule, running, last } = status;
  facts($('#reconcile-facts'), [
    [
      'schedule',
      schedule ? (schedule.paused ? 'paused' : `every ${Math.round(schedule.intervalMs / 60000)} min`) : 'not set up',
    ],
    ['next sweep', schedule && !schedule.paused ? time(schedule.nextRunAt) : null],
    ['running now', running ? running.workflowId : 'no'],
    ['last sweep', last ? `${time(last.startedAt)} to ${time(last.finishedAt)}` : 'none yet'],
    ['found', last ? `${last.counts.strays} stray, ${last.counts.lost} lost, ${last.counts.drift} drifted` : null],
    ['checked', last ? `${last.panelServers} panel servers, ${last.ours} ours, ${last.entities} entities` : null],
  ]);
  fillBody($('#reconcile-findings'), last ? findingRows(last) : []);
  $('#reconcile-empty').hidden = !last || $('#reconcile-findings').tBodies[0].rows.length > 0;
}

/** The reconciliation part of the dashboard (no visibility: the Schedule's description and the sweep's result). */
export function createReconcile({ guarded, notice }) {
  const load = async () => render(await api('/v1/reconciliation'));
  function wire() {
    $('#reconcile-run').addEventListener(
      'click',
      () =>
        void guarded(async () => {
          await api('/v1/reconciliation/run', { method: 'POST' });
          notice('Reconciliation sweep started.');
          await load();
        }),
    );
  }
  return { load, wire };
}
