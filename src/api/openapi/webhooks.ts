import { STANDARD_WEBHOOK_HEADERS } from '../../callbacks/contract';
import { ref } from './schemas';

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});

const SIGNED =
  'Signed per Standard Webhooks with one of CALLBACK_SECRETS (verify the raw body before decoding it). ' +
  'Delivered at least once, retried for up to 24 hours until the receiver answers 2xx.';

function event(operationId: string, summary: string, tag: string, schema: 'CallbackEvent' | 'ServerCallbackEvent') {
  return {
    post: {
      operationId,
      summary,
      description: SIGNED,
      tags: [tag],
      parameters: [
        header(STANDARD_WEBHOOK_HEADERS.id, "The event id (the body's `id`)."),
        header(STANDARD_WEBHOOK_HEADERS.timestamp, 'Seconds since the epoch when the request was signed.'),
        header(STANDARD_WEBHOOK_HEADERS.signature, '`v1,<base64 HMAC-SHA256>` entries, space-separated.'),
      ],
      requestBody: { required: true, content: { 'application/json': { schema: ref(schema) } } },
      responses: {
        '2XX': { description: 'Delivered: not sent again.' },
        default: {
          description:
            '410 or a redirect: given up. Any other answer, or none: retried (a Retry-After on 408, 429 or 5xx is honoured).',
        },
      },
    },
  };
}

/** `webhooks`: what the service POSTs to an order's callbackUrl (docs/callbacks.md). */
export function webhooks() {
  return {
    orderEvent: event(
      'orderEvent',
      'An order reached a status worth telling the panel about',
      'orders',
      'CallbackEvent',
    ),
    serverEvent: event(
      'serverEvent',
      "A server's billing clock warned, or its entity changed the server (suspended, unsuspended, reinstalled, resized, deleted)",
      'servers',
      'ServerCallbackEvent',
    ),
  };
}
