import { newId } from '../../lib/storage/ids';

describe('newId', () => {
  it('makes valid ULIDs that sort in the order they were made, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spreads the random part over the whole alphabet', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      for (const char of newId().slice(10)) seen.add(char);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(seen.size).toBe(32);
  });
});
