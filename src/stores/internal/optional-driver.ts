/**
 * Loading a store's driver (pg, mysql2, ioredis, memcached, better-sqlite3) when the store is constructed,
 * never when its module is imported. The drivers are optional peer dependencies: an app on SQLite installs
 * better-sqlite3 only, yet imports the settings module, which imports every store.
 */
import { join } from 'node:path';
import { SessionConfigError } from '../../errors.js';

let requireFromHere: NodeRequire | undefined;

// Resolved on first use, not at import. Node's own createRequire is reached through getBuiltinModule, which
// bundlers leave alone: webpack (Next.js) rewrites a visible `createRequire(...)` or `require` into its own
// module system, which cannot load a package named at run time. Bundles keep `import.meta.url` (ESM output,
// webpack) or drop it (esbuild's CommonJS output); without it, drivers resolve from the working directory.
function driverRequire(): NodeRequire {
  if (requireFromHere === undefined) {
    const { createRequire } = process.getBuiltinModule('node:module');
    const moduleUrl: unknown = import.meta.url;
    requireFromHere = createRequire(typeof moduleUrl === 'string' && moduleUrl.startsWith('file:') ? moduleUrl : join(process.cwd(), 'noop.js'));
  }
  return requireFromHere;
}

/**
 * The module `specifier` (a package, or a path inside one such as `mysql2/promise`), loaded for the store
 * `storeName`. Node caches it, so every store after the first gets it at no cost.
 *
 * @throws SessionConfigError naming the package and its `npm install` when it is not installed, or when
 * it is installed but fails to load (a native module built for another Node version).
 */
export function loadOptionalDriver<T>(specifier: string, storeName: string): T {
  try {
    return driverRequire()(specifier) as T;
  } catch (error) {
    const packageName = packageOf(specifier);
    if (isNotFound(error, specifier)) {
      throw new SessionConfigError(`${storeName} needs the "${packageName}" package: npm install ${packageName}`);
    }
    throw new SessionConfigError(
      `${storeName} needs the "${packageName}" package, which is installed but could not be loaded (${firstLine(error)}). Reinstall it: npm install ${packageName}`,
    );
  }
}

/** The npm package a module specifier belongs to: `mysql2` for `mysql2/promise`, `@scope/name` for scoped ones. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

// Only the driver itself missing counts: a missing dependency *of* the driver is a broken installation.
function isNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' && firstLine(error).includes(`'${specifier}'`);
}

// Node's message lists the whole require stack on the following lines.
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!.trim();
}
