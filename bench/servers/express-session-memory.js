// express-session with its MemoryStore.
import { serveExpressSession } from './peer-lib/express-session-app.js';

serveExpressSession(undefined);
