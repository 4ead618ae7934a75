/**
 * The optional packages that verify Django's argon2 and bcrypt hashes. None is a dependency: the first one
 * installed is used, or the one an app names. Each ships its code (or its prebuilt binary) in its npm
 * package, so installing it downloads nothing else.
 * @module
 */
import { SessionConfigError } from '../../errors.js';
import { loadOptionalDriver } from '../../stores/internal/optional-driver.js';

/** Packages that verify argon2 hashes, in the order they are tried. */
export const ARGON2_DRIVERS = ['argon2', '@node-rs/argon2', 'hash-wasm'] as const;
/** Packages that verify bcrypt hashes, in the order they are tried. */
export const BCRYPT_DRIVERS = ['bcrypt', 'bcryptjs', 'hash-wasm'] as const;

/** A package that verifies argon2 hashes: `argon2` (native), `@node-rs/argon2` (native) or `hash-wasm` (WebAssembly). */
export type Argon2DriverName = (typeof ARGON2_DRIVERS)[number];
/** A package that verifies bcrypt hashes: `bcrypt` (native), `bcryptjs` (JavaScript) or `hash-wasm` (WebAssembly). */
export type BcryptDriverName = (typeof BCRYPT_DRIVERS)[number];

/** Checks `password` against a standard hash string (`$argon2id$…`, `$2b$…`); rejects on a malformed one. */
export type HashVerifier = (password: string, hash: string) => Promise<boolean>;

// The shapes of the packages' APIs that are used.
interface VerifyModule {
  verify(hash: string, password: string): Promise<boolean>;
}
interface CompareModule {
  compare(password: string, hash: string): Promise<boolean>;
}
interface HashWasmModule {
  argon2Verify(options: { password: string; hash: string }): Promise<boolean>;
  bcryptVerify(options: { password: string; hash: string }): Promise<boolean>;
}

type Family = 'argon2' | 'bcrypt';

// How each package verifies, given the loaded module (checked for the function first).
const ADAPTERS: Record<Family, Record<string, { readonly method: string; readonly verifier: (module: never) => HashVerifier }>> = {
  argon2: {
    argon2: { method: 'verify', verifier: (m: VerifyModule) => (password, hash) => m.verify(hash, password) },
    '@node-rs/argon2': { method: 'verify', verifier: (m: VerifyModule) => (password, hash) => m.verify(hash, password) },
    'hash-wasm': { method: 'argon2Verify', verifier: (m: HashWasmModule) => (password, hash) => m.argon2Verify({ password, hash }) },
  },
  bcrypt: {
    bcrypt: { method: 'compare', verifier: (m: CompareModule) => (password, hash) => m.compare(password, hash) },
    bcryptjs: { method: 'compare', verifier: (m: CompareModule) => (password, hash) => m.compare(password, hash) },
    'hash-wasm': { method: 'bcryptVerify', verifier: (m: HashWasmModule) => (password, hash) => m.bcryptVerify({ password, hash }) },
  },
};

const CANDIDATES: Record<Family, readonly string[]> = { argon2: ARGON2_DRIVERS, bcrypt: BCRYPT_DRIVERS };

const loaded = new Map<string, HashVerifier>();
// The package found when none is named, per family and candidate list, so later calls skip the missing ones.
const found = new Map<string, HashVerifier>();

function purpose(family: Family): string {
  return `Verifying Django's ${family} password hashes`;
}

function load(family: Family, name: string): HashVerifier {
  const id = `${family}:${name}`;
  const cached = loaded.get(id);
  if (cached !== undefined) return cached;
  const adapter = Object.hasOwn(ADAPTERS[family], name) ? ADAPTERS[family][name] : undefined;
  if (adapter === undefined) {
    throw new SessionConfigError(`${JSON.stringify(name)} is not one of the ${family} drivers (${CANDIDATES[family].join(', ')}).`);
  }
  const module = loadOptionalDriver<Record<string, unknown>>(name, purpose(family));
  if (typeof module[adapter.method] !== 'function') {
    throw new SessionConfigError(
      `${purpose(family)} through "${name}" needs its ${adapter.method}() function, which this version lacks: npm install ${name}@latest`,
    );
  }
  const verifier = adapter.verifier(module as never);
  loaded.set(id, verifier);
  return verifier;
}

/**
 * The verifier of the package `name`, or of the first of `candidates` that loads.
 *
 * @throws SessionConfigError naming the packages to install when none loads (each failure is in `cause`).
 */
export function hashVerifier(family: Family, name?: string, candidates: readonly string[] = CANDIDATES[family]): HashVerifier {
  if (name !== undefined) return load(family, name);
  const searchId = `${family}:${candidates.join(',')}`;
  const known = found.get(searchId);
  if (known !== undefined) return known;
  const failures: unknown[] = [];
  for (const candidate of candidates) {
    try {
      const verifier = load(family, candidate);
      found.set(searchId, verifier);
      return verifier;
    } catch (error) {
      failures.push(error);
    }
  }
  const error = new SessionConfigError(`${purpose(family)} needs one of the packages ${candidates.join(', ')}: npm install ${candidates[0]}`);
  error.cause = new AggregateError(failures, 'none of the drivers loaded');
  throw error;
}
