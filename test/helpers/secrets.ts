/** Secrets for tests: long and random-looking, so no weak-secret warning clutters the output. */
export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP';
export const OLD_SECRET = 'old-secret-9876543210-zyxwvutsrqponmlkjihgfedcba-PONMLKJIHGFEDCBA';

/** A logger that records instead of printing. */
export function recordingLogger(): { warnings: string[]; errors: string[]; warn(m: string): void; error(m: string): void } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, warn: (m) => warnings.push(m), error: (m) => errors.push(m) };
}
