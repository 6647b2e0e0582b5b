import { operation } from './components';
import { v1Access } from './paths-orders';

/** /v1/reconciliation: the reconciliation sweep's Schedule and newest report, and a sweep on demand. */
export function reconcilePaths() {
  return {
    '/v1/reconciliation': {
      get: operation({
        operationId: 'getReconciliation',
        summary: "The reconciliation sweep's schedule and newest report",
        description:
          'Every RECONCILE_INTERVAL a sweep pages through the panel\u2019s servers within the provider budget and ' +
          'compares them with the server entities: strays (our marker, no entity or running order; reported, ' +
          'adopted or deleted per RECONCILE_STRAYS), lost servers (an entity whose server is gone: marked LOST, ' +
          '`server.lost` sent) and drift (suspension or limits changed on the panel; reported or corrected per ' +
          'RECONCILE_DRIFT).',
        tags: ['operator'],
        access: v1Access('GET', '/v1/reconciliation'),
        responses: {
          200: { description: 'The schedule, the running sweep and the last report.', schema: 'ReconcileStatus' },
        },
        errors: [503],
      }),
    },
    '/v1/reconciliation/run': {
      post: operation({
        operationId: 'runReconciliation',
        summary: 'Start a reconciliation sweep now',
        description:
          'Triggers the Schedule (skipped while a sweep runs). 409 `reconciliation_not_scheduled` until a worker set it up.',
        tags: ['operator'],
        access: v1Access('POST', '/v1/reconciliation/run'),
        responses: { 202: { description: 'Triggered.', schema: 'ReconcileTrigger' } },
        errors: [409, 503],
      }),
    },
  };
}
