import { bulkParamsSchema } from '../bulk';
import { operation } from './components';
import { v1Access } from './paths-orders';
import { parametersOf } from './schemas';

const bulkParams = parametersOf(bulkParamsSchema, 'path', { id: 'The bulkId POST /v1/bulk answered with.' });

/** /v1/bulk: bulk actions (operator keys). */
export function bulkPaths() {
  return {
    '/v1/bulk': {
      post: operation({
        operationId: 'startBulk',
        summary: 'Act on every server or order a filter matches',
        description:
          'suspend, unsuspend or delete servers (by userId, tier, node, status), retry parked orders (by userId, ' +
          'tier, parkedReason) or cancel waiting orders (by userId, tier), as a workflow: the targets are listed ' +
          'once, then acted on at most BULK_CONCURRENCY at a time and BULK_RATE_PER_SECOND a second; server ' +
          'operations go through the servers\u2019 entities and the provider budget. suspend and delete need a filter.',
        tags: ['bulk'],
        access: v1Access('POST', '/v1/bulk'),
        body: {
          schema: 'BulkRequest',
          example: { action: 'retry', filter: { parkedReason: 'STEP_RETRIES_EXHAUSTED' }, reason: 'panel is back' },
        },
        responses: { 202: { description: 'Started; follow `links.self`.', schema: 'BulkView' } },
        errors: [400, 413, 415, 503],
      }),
    },
    '/v1/bulk/{id}': {
      get: operation({
        operationId: 'getBulk',
        summary: "A bulk action's progress",
        description: 'total, done, skipped, failed and each failure\u2019s reason.',
        tags: ['bulk'],
        access: v1Access('GET', '/v1/bulk/{id}'),
        parameters: bulkParams,
        responses: { 200: { description: 'The progress.', schema: 'BulkView' } },
        errors: [400, 404, 503],
      }),
    },
    '/v1/bulk/{id}/cancel': {
      post: operation({
        operationId: 'cancelBulk',
        summary: 'Stop a bulk action',
        description: 'It stops between targets and ends CANCELLED with its counts. 409 `bulk_finished` once finished.',
        tags: ['bulk'],
        access: v1Access('POST', '/v1/bulk/{id}/cancel'),
        parameters: bulkParams,
        responses: { 202: { description: 'Cancellation requested.', schema: 'BulkCancelResult' } },
        errors: [400, 404, 409, 503],
      }),
    },
  };
}
