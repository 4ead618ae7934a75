/**
 * The `_messages` value: what Django's `SessionStorage.serialize_messages` writes, a JSON string made by
 * `MessageEncoder` with Python's default separators (`", "`) and `ensure_ascii`, holding one list per
 * message: `["__json_message", is_safe, level, message, extra_tags]`.
 */
import { jsonSerializer } from '../signing/serializer.js';
import type { StoredMessage } from './stored-message.js';

/** The first item of an encoded message (Django's `MessageEncoder.message_key`). */
const MESSAGE_MARKER = '__json_message';

// A JSON string literal as Python's json.dumps writes it (ASCII only, lower-case \u escapes).
function pythonString(text: string): string {
  return jsonSerializer.dumps(text).toString('latin1');
}

function encodeMessage(stored: StoredMessage): string {
  const parts = [pythonString(MESSAGE_MARKER), stored.safe ? '1' : '0', String(stored.level), pythonString(stored.message)];
  // Django 4.1 and later write empty extra tags as "", older versions leave them out; both read both.
  if (stored.extraTags !== null) parts.push(pythonString(stored.extraTags));
  return `[${parts.join(', ')}]`;
}

/**
 * `messages` as Django's `SessionStorage` stores them, byte for byte as Django 4.1 and later write them
 * (Django 3.2 differs only in leaving out empty extra tags).
 */
export function encodeMessages(messages: readonly StoredMessage[]): string {
  return `[${messages.map(encodeMessage).join(', ')}]`;
}

// Python's truth value of a JSON value, which Django's decoder uses for the is_safe flag.
function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function decodeMessage(item: unknown): StoredMessage | null {
  if (!Array.isArray(item) || item.length < 4 || item.length > 5 || item[0] !== MESSAGE_MARKER) return null;
  const [, safe, level, message, extraTags = null] = item as unknown[];
  if (typeof level !== 'number' || !Number.isSafeInteger(level) || typeof message !== 'string') return null;
  if (extraTags !== null && typeof extraTags !== 'string') return null;
  return { level, message, extraTags, safe: pythonTruthy(safe) };
}

/**
 * The messages in a `_messages` value. Whatever is not Django's format (another type, broken JSON, an
 * entry that is not a message) reads as no message instead of failing the request, where Django would
 * answer 500.
 */
export function decodeMessages(value: unknown): StoredMessage[] {
  if (typeof value !== 'string' || value === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const messages: StoredMessage[] = [];
  for (const item of parsed) {
    const decoded = decodeMessage(item);
    if (decoded !== null) messages.push(decoded);
  }
  return messages;
}
