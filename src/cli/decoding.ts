/**
 * Decoding signed session values with the configured secrets, through the core's codec, and saying why
 * a value does not decode.
 */
import { createCodec, type SessionCodec } from '../core/codec.js';
import type { SessionData } from '../core/state.js';
import type { DataFormat } from '../core/store-contract.js';
import { resolveOptions, type SecurityEvent, type SessionOptions } from '../options.js';

/** What decoding a value gave. */
export type DecodeResult =
  | { readonly ok: true; readonly data: SessionData }
  | {
      readonly ok: false;
      /** `bad-signature`: signed with another secret (or tampered); `bad-payload`: signed, but not a session. */
      readonly problem: SecurityEvent['type'];
      readonly detail: string;
    };

/** Decodes values signed with one salt, or stored plain by a cache store (`format`, default signed). */
export type Decoder = (salt: string, value: string, format?: DataFormat) => DecodeResult;

/**
 * A decoder verifying with `options.secret` and `options.secretFallbacks`, with no maximum age (a
 * signed cookie is shown however old it is).
 */
export function createDecoder(options: SessionOptions): Decoder {
  // The codec reports why a value did not decode as a security event rather than by throwing.
  const seen: { event?: SecurityEvent | undefined } = {};
  const resolved = resolveOptions({
    ...options,
    onSecurityEvent: (event) => {
      seen.event = event;
    },
  });
  const codecs = new Map<string, SessionCodec>();
  return (salt, value, format = 'signed') => {
    const id = `${format}:${salt}`;
    let codec = codecs.get(id);
    if (codec === undefined) {
      codec = createCodec(resolved, salt, { engine: 'sessionkit command', format });
      codecs.set(id, codec);
    }
    seen.event = undefined;
    const data = codec.decode(value);
    if (data !== null) return { ok: true, data };
    // Set by the codec's callback during decode(), which the compiler cannot see.
    const event = seen.event as SecurityEvent | undefined;
    return { ok: false, problem: event?.type ?? 'bad-payload', detail: event?.message ?? 'the value does not decode' };
  };
}

/** What went wrong, as a clause: "does not verify with SECRET_KEY …". */
export function describeProblem(result: Extract<DecodeResult, { ok: false }>): string {
  if (result.problem === 'bad-signature') {
    return 'its signature does not verify with SECRET_KEY or SECRET_KEY_FALLBACKS: it was signed with another SECRET_KEY (or altered)';
  }
  return `its signature verifies but it holds no session data (${result.detail})`;
}
