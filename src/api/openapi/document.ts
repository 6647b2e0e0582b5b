import { sharedComponents } from './components';
import { operationPaths } from './paths-operations';
import { orderPaths } from './paths-orders';
import { serverPaths } from './paths-servers';
import { bulkPaths } from './paths-bulk';
import { reconcilePaths } from './paths-reconcile';
import { codecPaths, servicePaths } from './paths-service';
import { componentSchemas } from './schemas';
import { webhooks } from './webhooks';

/** What changes the document with the configuration. */
export interface OpenApiOptions {
  /** Whether /codec/decode and /codec/encode are served (PAYLOAD_ENCRYPTION_KEY). */
  codec: boolean;
}

/** The OpenAPI 3.1 document of the API, built from the zod schemas it validates and answers with. */
export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/**
 * The API's OpenAPI 3.1 document: request schemas are the ones `validate` runs, response schemas the ones in
 * response-schemas*.ts, both converted by `z.toJSONSchema`; roles come from `rolesFor`.
 */
export function openApiDocument(options: OpenApiOptions) {
  const shared = sharedComponents();
  return {
    openapi: '3.1.0',
    info: {
      title: 'server-queue API',
      version: '1',
      description:
        'Durable server provisioning over Temporal. Every error is `{ "error": { "code", "message", "details" } }`. ' +
        'Operations under /v1 need an API key (`Authorization: Bearer <key>`); `x-roles` lists the roles that may ' +
        'call each operation.',
    },
    tags: [
      { name: 'orders', description: 'Order, read and cancel servers.' },
      { name: 'operations', description: "Lifecycle operations on an order's server (operator keys)." },
      { name: 'servers', description: 'Servers as entities: state, operations and the billing clock.' },
      { name: 'bulk', description: 'One action on every server or order a filter matches (operator keys).' },
      { name: 'operator', description: 'Parked orders and workflow histories.' },
      { name: 'queue', description: 'Backlog and flow control.' },
      { name: 'service', description: 'Health, metrics and this document.' },
      { name: 'dashboard', description: 'The operator dashboard.' },
      ...(options.codec ? [{ name: 'codec', description: "The Temporal UI's remote payload codec." }] : []),
    ],
    paths: {
      ...orderPaths(),
      ...operationPaths(),
      ...serverPaths(),
      ...bulkPaths(),
      ...reconcilePaths(),
      ...servicePaths(),
      ...(options.codec ? codecPaths() : {}),
    },
    webhooks: webhooks(),
    components: { schemas: componentSchemas(), ...shared },
  };
}
