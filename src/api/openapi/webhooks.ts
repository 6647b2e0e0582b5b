import { STANDARD_WEBHOOK_HEADERS } from '../../callbacks/contract';
import { ref } from './schemas';

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});

/** `webhooks`: what the service POSTs to an order's callbackUrl (docs/callbacks.md). */
export function webhooks() {
  return {
    orderEvent: {
      post: {
        operationId: 'orderEvent',
        summary: 'An order reached a status worth telling the panel about',
        description:
          'Signed per Standard Webhooks with one of CALLBACK_SECRETS (verify the raw body before decoding it). ' +
          'Delivered at least once, retried for up to 24 hours until the receiver answers 2xx.',
        tags: ['orders'],
        parameters: [
          header(STANDARD_WEBHOOK_HEADERS.id, "The event id (the body's `id`)."),
          header(STANDARD_WEBHOOK_HEADERS.timestamp, 'Seconds since the epoch when the request was signed.'),
          header(STANDARD_WEBHOOK_HEADERS.signature, '`v1,<base64 HMAC-SHA256>` entries, space-separated.'),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: ref('CallbackEvent') } } },
        responses: {
          '2XX': { description: 'Delivered: not sent again.' },
          default: {
            description:
              '410 or a redirect: given up. Any other answer, or none: retried (a Retry-After on 408, 429 or 5xx is honoured).',
          },
        },
      },
    },
  };
}
