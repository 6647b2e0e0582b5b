import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written inside a unit of work carries (orderId, workflowId, activity of an activity run). */
export type LogFields = Record<string, string | number>;

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to every line the service's loggers write during it (see createLogger). */
export function withLogContext<R>(fields: LogFields, fn: () => R): R {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** The fields of the unit of work running now; empty outside one. */
export function logContext(): LogFields {
  return storage.getStore() ?? {};
}
