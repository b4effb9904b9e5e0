import { describeObjectStoreContract } from '../testing';
import { createMemoryStore } from './createMemoryStore';

describeObjectStoreContract('memory', () => createMemoryStore());
