/**
 * The demo in a real browser: every browser suite, in one test file so that Chromium starts once and one
 * browser runs at a time while the other test files run beside it. Each suite registers its tests when
 * imported; run one with `-t`, e.g. `npx vitest run test/browser -t 'session admin'`.
 */
import './counter-and-login.js';
import './cookies.js';
import './admin.js';
import './accounts.js';
import './django.js';
