import { AppError } from '../shared/errors.ts';
import type { ChangeEvent } from './types.ts';

/**
 * Largest encoded event in bytes. PostgreSQL's NOTIFY payload must be shorter than 8000 bytes
 * (PostgreSQL 15 manual, NOTIFY); SQLite applies the same limit so both kinds behave alike.
 */
export const MAX_EVENT_BYTES = 7999;

const EVENT_TYPES = new Set<string>([
  'delegation-revoked',
  'delegation-refreshed',
  'delegation-created',
]);
const OPTIONAL_TEXT_FIELDS = ['delegationId', 'scimId'] as const;

/** Returns the event as JSON, or throws when it is malformed or too large to send. */
export function encodeChangeEvent(event: ChangeEvent): string {
  validateChangeEvent(event);
  const payload = JSON.stringify(event);
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_EVENT_BYTES) {
    throw new AppError(
      'change_event_too_large',
      500,
      `The ${event.type} change event is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_BYTES}. Send ids only, not whole records.`,
    );
  }
  return payload;
}

/** Parses a received payload; throws a TypeError that names the problem when it is no event. */
export function decodeChangeEvent(payload: string): ChangeEvent {
  const event: unknown = JSON.parse(payload);
  validateChangeEvent(event);
  return event;
}

function validateChangeEvent(event: unknown): asserts event is ChangeEvent {
  if (typeof event !== 'object' || event === null) {
    throw new TypeError(`A change event must be an object (got ${typeof event})`);
  }
  const record = event as Record<string, unknown>;
  if (typeof record.type !== 'string' || !EVENT_TYPES.has(record.type)) {
    throw new TypeError(
      `Unknown change event type ${JSON.stringify(record.type)}; expected one of ${[...EVENT_TYPES].join(', ')}`,
    );
  }
  if (typeof record.owner !== 'string') {
    throw new TypeError(`The ${record.type} change event has no owner string`);
  }
  for (const field of OPTIONAL_TEXT_FIELDS) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      throw new TypeError(`The ${record.type} change event's ${field} must be a string`);
    }
  }
  if (record.type === 'delegation-refreshed' && typeof record.delegationId !== 'string') {
    throw new TypeError('The delegation-refreshed change event has no delegationId string');
  }
}

/** Calls each listener, logging (not rethrowing) a listener's error so the others still run. */
export function deliverChangeEvent(
  listeners: Iterable<(event: ChangeEvent) => void>,
  event: ChangeEvent,
  onListenerError: (error: unknown) => void,
): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      onListenerError(error);
    }
  }
}
