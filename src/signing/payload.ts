/**
 * The object payload inside a signed token: `[.]b64(serialized or zlib)`.
 * Shared by `Signer.signObject` / `unsignObject`; not part of the public API.
 * @module
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { b64Decode, b64Encode } from './base64url.js';
import { BadPayload, PayloadTooLarge } from './errors.js';
import type { Serializer } from './serializer.js';

/** Default cap on the size a compressed payload may inflate to: 1 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * 1024;

const DOT = 0x2e;

// A zlib stream takes at least 8 bytes (2 header, ≥ 2 deflate, 4 checksum), so
// it cannot save two bytes on shorter input; skip the costly deflate call then.
/** Below this size compression cannot save two bytes, so it is not tried. */
export const MIN_COMPRESSIBLE_BYTES = 10;

/**
 * Serializes `value` and encodes it as a payload, compressing only when that
 * saves at least two bytes (Django's rule) and marking compression with `.`.
 *
 * @param value - The value to serialize.
 * @param serializer - Turns the value into bytes.
 * @param compress - Whether to try zlib compression.
 * @param compressMinBytes - Try it only on serialized data at least this long.
 * @param maxBytes - Refuse serialized data longer than this (what {@link decodePayload} given the same
 *   bound would refuse).
 * @returns The unsigned payload text.
 * @throws PayloadTooLarge when the serialized value is longer than `maxBytes`.
 */
export function encodePayload(
  value: unknown,
  serializer: Serializer,
  compress: boolean,
  compressMinBytes = MIN_COMPRESSIBLE_BYTES,
  maxBytes = Number.POSITIVE_INFINITY,
): string {
  const data = serializer.dumps(value);
  if (data.length > maxBytes) throw new PayloadTooLarge(data.length, maxBytes);
  if (compress && data.length >= Math.max(compressMinBytes, MIN_COMPRESSIBLE_BYTES)) {
    const compressed = deflateSync(data);
    if (compressed.length < data.length - 1) return `.${b64Encode(compressed)}`;
  }
  return b64Encode(data);
}

/**
 * Throws unless `limit` is usable as a byte limit.
 *
 * @param limit - The candidate maximum number of bytes.
 * @param name - The option's name, for the message.
 * @throws RangeError if it is not a positive safe integer.
 */
export function assertByteLimit(limit: number, name = 'maxDecompressedBytes'): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${limit}`);
  }
}

/**
 * Decodes a payload whose signature has already been verified.
 *
 * @param payload - The payload text, possibly starting with `.`.
 * @param serializer - Turns bytes back into a value.
 * @param maxDecompressedBytes - Inflating beyond this many bytes is an error,
 *   so a zlib bomb costs at most this much memory and time.
 * @param maxBytes - Serialized data longer than this, compressed or not, is an
 *   error (the bound {@link encodePayload} applies when given the same value).
 * @returns The deserialized value.
 * @throws BadPayload when the base64, the zlib stream, its size or the
 *   serialized data is invalid (the original error is the `cause`).
 */
export function decodePayload(payload: string, serializer: Serializer, maxDecompressedBytes: number, maxBytes = Number.POSITIVE_INFINITY): unknown {
  const compressed = payload.charCodeAt(0) === DOT;
  let data: Buffer;
  try {
    data = b64Decode(compressed ? payload.slice(1) : payload);
  } catch (cause) {
    throw new BadPayload('Payload is not valid base64', { cause });
  }
  if (compressed) {
    const limit = Math.min(maxDecompressedBytes, maxBytes);
    try {
      data = inflateSync(data, { maxOutputLength: limit });
    } catch (cause) {
      const tooLarge = (cause as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
      throw new BadPayload(tooLarge ? `Payload decompresses to more than ${limit} bytes` : 'Payload is not valid zlib data', { cause });
    }
  } else if (data.length > maxBytes) {
    throw new BadPayload(`Payload is ${data.length} bytes, more than ${maxBytes}`);
  }
  try {
    return serializer.loads(data);
  } catch (cause) {
    throw new BadPayload('Payload cannot be deserialized', { cause });
  }
}
