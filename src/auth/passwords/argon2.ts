/**
 * Django's `Argon2PasswordHasher`: `argon2` followed by the standard PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`,
 * or `$argon2i$…` as older Django versions wrote). Verified by an optional package.
 * @module
 */
import { type Argon2DriverName, hashVerifier } from './drivers.js';

/**
 * Whether `password` matches a Django `argon2$…` hash. A malformed hash does not match.
 *
 * @throws SessionConfigError when no argon2 package is installed.
 */
export async function verifyArgon2(password: string, encoded: string, driver?: Argon2DriverName): Promise<boolean> {
  const verify = hashVerifier('argon2', driver);
  const phc = encoded.slice('argon2'.length);
  if (!/^\$argon2(id|i|d)\$/.test(phc)) return false;
  try {
    return await verify(password, phc);
  } catch {
    return false;
  }
}
