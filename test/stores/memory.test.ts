import { memoryStore } from '../../src/stores/memory.js';
import { describeStoreConformance } from './conformance.js';

describeStoreConformance({ name: 'memory', makeStore: () => memoryStore(), clearsExpired: false });
