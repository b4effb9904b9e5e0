import { createMemoryStore } from './createMemoryStore';
import { listAllKeys } from './listAllKeys';
import type { ObjectStore } from './ObjectStore';

describe('listAllKeys', () => {
  it('follows every page, and starts after a key', async () => {
    const inner = createMemoryStore();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await inner.put(`logs/${name}`, Buffer.from(name));
    await inner.put('other/x', Buffer.from('x'));
    // Two keys a page, as a store with a small page size would answer.
    const store: ObjectStore = { ...inner, list: (options) => inner.list({ ...options, maxKeys: 2 }) };
    expect(await listAllKeys(store, { prefix: 'logs/' })).toEqual(['logs/a', 'logs/b', 'logs/c', 'logs/d', 'logs/e']);
    expect(await listAllKeys(store, { prefix: 'logs/', startAfter: 'logs/b' })).toEqual(['logs/c', 'logs/d', 'logs/e']);
  });
});
