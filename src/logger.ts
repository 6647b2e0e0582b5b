import pino, { type DestinationStream, type Logger } from 'pino';
import { logContext } from './log-context';

export type { Logger } from 'pino';

/** Paths never written to logs, whatever a caller passes in. */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'apiKey',
  '*.apiKey',
  'API_KEY',
  'PTERODACTYL_API_KEY',
  'TEMPORAL_API_KEY',
  'config.apiKey',
  'config.apiKeys',
  'config.pterodactyl.apiKey',
  'apiKeys',
  'API_KEYS',
  'secret',
  '*.secret',
  'CALLBACK_SECRET',
  'callbackSecret',
  'config.callbackSecret',
  'CALLBACK_SECRETS',
  'callbackSecrets',
  'config.callbackSecrets',
  'secrets',
  '*.secrets',
  'legacySecret',
  '*.legacySecret',
  'OPERATOR_WEBHOOK_URL',
  'config.operatorWebhook.url',
  'operatorWebhook.url',
  'PAYLOAD_ENCRYPTION_KEY',
  'config.payloadCodec',
  'payloadCodec',
];

/**
 * The service's JSON logger (pino) with secrets redacted; stdout unless `destination` is given. Lines written inside
 * `withLogContext` (every activity run: orderId, workflowId) carry its fields.
 */
export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  return pino(
    {
      name: options.name ?? 'server-queue',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: (err: unknown) => (err instanceof Error ? safeError(err) : err) },
      mixin: logContext,
    },
    destination,
  );
}

/** An error as logs may show it: type and message, no stack trace. */
export function safeError(err: unknown): { type: string; message: string; code?: string | number } {
  if (err instanceof Error) {
    const code = (err as { code?: string | number }).code;
    return { type: err.name, message: err.message, ...(code !== undefined ? { code } : {}) };
  }
  return { type: typeof err, message: String(err) };
}
