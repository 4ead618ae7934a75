/**
 * Django's `BCryptSHA256PasswordHasher`: `bcrypt_sha256$` followed by a bcrypt hash (`$2b$12$…`) of the hex
 * SHA-256 of the password (so long passwords are not cut at bcrypt's 72 bytes). Verified by an optional
 * package.
 * @module
 */
import { createHash } from 'node:crypto';
import { type BcryptDriverName, hashVerifier } from './drivers.js';

/**
 * Whether `password` matches a Django `bcrypt_sha256$…` hash. A malformed hash does not match.
 *
 * @throws SessionConfigError when no bcrypt package is installed.
 */
export async function verifyBcryptSha256(password: string, encoded: string, driver?: BcryptDriverName): Promise<boolean> {
  const verify = hashVerifier('bcrypt', driver);
  const hash = encoded.slice('bcrypt_sha256$'.length);
  if (!/^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) return false;
  try {
    return await verify(createHash('sha256').update(password, 'utf8').digest('hex'), hash);
  } catch {
    return false;
  }
}
