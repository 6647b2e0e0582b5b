import { enums } from './proto';
import type { EventBody, HistoryEvent } from './state';

const eventTypes = enums.EventType as unknown as Record<string, number>;
const typeByAttribute = new Map<string, number>();

/** The EventType of a HistoryEvent body, derived from the name of its attributes field. */
export function eventTypeOf(body: EventBody): number {
  const key = Object.keys(body).find((k) => k.endsWith('EventAttributes'));
  if (!key) throw new Error('history event has no attributes');
  let type = typeByAttribute.get(key);
  if (type === undefined) {
    const snake = key.replace(/EventAttributes$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    type = eventTypes[`EVENT_TYPE_${snake}`];
    if (type === undefined) throw new Error(`unknown history event attributes ${key}`);
    typeByAttribute.set(key, type);
  }
  return type;
}

export function attributesOf<K extends keyof HistoryEvent>(event: HistoryEvent, key: K): NonNullable<HistoryEvent[K]> {
  const value = event[key];
  if (!value) throw new Error(`event ${event.eventId} has no ${String(key)}`);
  return value as NonNullable<HistoryEvent[K]>;
}

export const ET = enums.EventType;
export const WS = enums.WorkflowExecutionStatus;

/** Event types that close a run. */
export const closeEventTypes = new Set<number>([
  ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  ET.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  ET.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);
