import { z } from 'zod';
import { RECORDED_STATUSES, TIERS, type RecordedStatus } from '../workflows/contract';
import { SERVER_STATUSES } from '../workflows/server-entity-contract';

const MAX_INT = 2_147_483_647;
const int = (min: number, max = MAX_INT) => z.number().int('must be an integer').min(min).max(max);
const id = () => int(1);
/** Memory and disk in MB: 0 means unlimited on the panel, which capacity planning cannot count. */
const sized = () =>
  z
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1 (0 means unlimited, which cannot be placed)')
    .max(MAX_INT);

/** Text with at least one non-blank character (the pattern says so in the API document), trimmed. */
export const nonBlankText = (max: number) => z.string().regex(/\S/, 'must not be empty or blank').trim().max(max);

export const ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const orderIdSchema = z.string().regex(ORDER_ID_PATTERN, 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -');

/** POST /v1/orders: exactly these fields (unknown ones are rejected). */
export const createOrderBodySchema = z.strictObject({
  orderId: orderIdSchema.optional(),
  userId: id(),
  tier: z.enum(TIERS),
  name: nonBlankText(191),
  eggId: id(),
  environment: z
    .record(z.string().min(1).max(191), z.string().max(4096))
    .optional()
    .refine((env) => env === undefined || Object.keys(env).length <= 100, 'at most 100 variables'),
  limits: z.strictObject({
    memory: sized(),
    swap: int(-1),
    disk: sized(),
    io: int(10, 1000),
    cpu: int(0),
  }),
  featureLimits: z.strictObject({
    databases: int(0),
    backups: int(0),
    allocations: int(0),
  }),
  locationIds: z.array(id()).min(1, 'must contain at least one location id').max(50),
  callbackUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
});
export type CreateOrderBody = z.output<typeof createOrderBodySchema>;

export const orderParamsSchema = z.object({ id: orderIdSchema });

export const cancelOrderBodySchema = z.strictObject({ reason: nonBlankText(500).optional() });

export const queryInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

/** The `nextCursor` of a listing's previous page. */
export const cursorSchema = z.string().regex(/^[A-Za-z0-9_-]{1,4096}$/, 'must be a cursor returned by a previous page');

export const listOrdersQuerySchema = z.strictObject({
  userId: queryInt(1, MAX_INT).optional(),
  status: z
    .enum(RECORDED_STATUSES as [RecordedStatus, ...RecordedStatus[]], {
      error: `must be one of ${RECORDED_STATUSES.join(', ')} (listings show the provisioning steps together as PROVISIONING)`,
    })
    .optional(),
  tier: z.enum(TIERS).optional(),
  limit: queryInt(1, 100).default(20),
  cursor: cursorSchema.optional(),
});
export type ListOrdersQuery = z.output<typeof listOrdersQuerySchema>;

export const listServersQuerySchema = z.strictObject({
  userId: queryInt(1, MAX_INT).optional(),
  status: z.enum(SERVER_STATUSES, { error: `must be one of ${SERVER_STATUSES.join(', ')}` }).optional(),
  node: queryInt(1, MAX_INT).optional(),
  tier: z.enum(TIERS).optional(),
  limit: queryInt(1, 100).default(20),
  cursor: cursorSchema.optional(),
});
export type ListServersQuery = z.output<typeof listServersQuerySchema>;
