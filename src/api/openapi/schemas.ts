import { z } from 'zod';
import { operationBodySchema } from '../operation-schemas';
import { orderActionBodySchema } from '../order-actions';
import {
  cancelOperationResultSchema,
  codecPayloadsSchema,
  healthSchema,
  operationAcceptedSchema,
  operationListSchema,
  operationViewSchema,
  orderHistorySchema,
  readySchema,
} from '../response-schemas-ops';
import { queueOverviewSchema, queueHistorySchema } from '../queue-response-schemas';
import {
  cancelOrderResultSchema,
  errorSchema,
  orderAcceptedSchema,
  orderPageSchema,
  orderSummarySchema,
  orderViewSchema,
  validationErrorSchema,
} from '../response-schemas';
import { callbackEventSchema, serverCallbackEventSchema } from '../callback-event-schema';
import { codecBodySchema } from '../routes/codec';
import { serverPageSchema, serverSummarySchema, serverViewSchema } from '../response-schemas-servers';
import { billingBodySchema } from '../server-entities';
import { bulkBodySchema } from '../bulk';
import { bulkCancelSchema, bulkViewSchema } from '../response-schemas-bulk';
import { reconcileStatusSchema, reconcileTriggerSchema } from '../response-schemas-reconcile';
import { cancelOrderBodySchema, createOrderBodySchema } from '../schemas';

/** A JSON Schema (draft 2020-12) object, as OpenAPI 3.1 embeds it. */
export type JsonSchema = Record<string, unknown>;

const REQUEST_SCHEMAS = {
  CreateOrderRequest: createOrderBodySchema,
  CancelRequest: cancelOrderBodySchema,
  OrderActionRequest: orderActionBodySchema,
  OperationRequest: operationBodySchema,
  CodecRequest: codecBodySchema,
  BillingRequest: billingBodySchema,
  BulkRequest: bulkBodySchema,
} satisfies Record<string, z.ZodType>;

const RESPONSE_SCHEMAS = {
  Error: errorSchema,
  ValidationError: validationErrorSchema,
  OrderView: orderViewSchema,
  OrderSummary: orderSummarySchema,
  OrderPage: orderPageSchema,
  OrderAccepted: orderAcceptedSchema,
  CancelOrderResult: cancelOrderResultSchema,
  OrderHistory: orderHistorySchema,
  OperationView: operationViewSchema,
  OperationList: operationListSchema,
  OperationAccepted: operationAcceptedSchema,
  CancelOperationResult: cancelOperationResultSchema,
  QueueOverview: queueOverviewSchema,
  QueueHistory: queueHistorySchema,
  Health: healthSchema,
  Ready: readySchema,
  CodecPayloads: codecPayloadsSchema,
  CallbackEvent: callbackEventSchema,
  ServerCallbackEvent: serverCallbackEventSchema,
  ServerView: serverViewSchema,
  ServerSummary: serverSummarySchema,
  ServerPage: serverPageSchema,
  BulkView: bulkViewSchema,
  BulkCancelResult: bulkCancelSchema,
  ReconcileStatus: reconcileStatusSchema,
  ReconcileTrigger: reconcileTriggerSchema,
} satisfies Record<string, z.ZodType>;

/** The name of a schema in `components.schemas`. */
export type SchemaName = keyof typeof REQUEST_SCHEMAS | keyof typeof RESPONSE_SCHEMAS;

const COMPONENT_URI = (id: string) => `#/components/schemas/${id}`;

/** `{ $ref }` to a named component schema. */
export const ref = (name: SchemaName): JsonSchema => ({ $ref: COMPONENT_URI(name) });

function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

function convert(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: converted } = z.toJSONSchema(registry, { io, uri: COMPONENT_URI, unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(converted).map(([id, schema]) => [id, withoutDialect(schema)]));
}

/**
 * `components.schemas`: request bodies as the API accepts them (zod input side, the schemas `validate` runs) and
 * responses as the code returns them (response-schemas*.ts), converted by zod's own `z.toJSONSchema`.
 */
export function componentSchemas(): Record<string, JsonSchema> {
  return { ...convert(REQUEST_SCHEMAS, 'input'), ...convert(RESPONSE_SCHEMAS, 'output') };
}

/** One zod object schema (path or query) as OpenAPI parameters, one per property. */
export function parametersOf(schema: z.ZodType, where: 'path' | 'query', descriptions: Record<string, string> = {}) {
  type ObjectSchema = { properties?: Record<string, JsonSchema>; required?: string[] };
  const input = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as ObjectSchema;
  // A query value travels as text but means the type it is parsed to (an integer with its bounds, say).
  const meaning =
    where === 'query' ? (z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as ObjectSchema) : input;
  return Object.entries(input.properties ?? {}).map(([name, property]) => {
    const { default: _default, ...parsed } = (meaning.properties?.[name] ?? property) as Record<string, unknown>;
    return {
      name,
      in: where,
      required: where === 'path' || (input.required ?? []).includes(name),
      ...(descriptions[name] ? { description: descriptions[name] } : {}),
      schema: where === 'query' ? parsed : property,
    };
  });
}
