import { ExpiringMap } from './expiring-map.domain';

describe('ExpiringMap', () => {
  it('keeps a value until its time to live has passed since the last touch', () => {
    const map = new ExpiringMap<string, number>(100);
    map.touch('a', 1, 0);
    expect(map.get('a', 99)).toBe(1);
    map.touch('a', 2, 50);
    expect(map.get('a', 149)).toBe(2);
    expect(map.get('a', 150)).toBeUndefined();
  });

  it('evicts the expired entries and lists only the live ones', () => {
    const map = new ExpiringMap<string, number>(100);
    map.touch('old', 1, 0);
    map.touch('new', 2, 60);
    expect(map.values(120)).toEqual([2]);
    map.evict(120);
    map.touch('old', 3, 120);
    expect(map.values(120)).toEqual([2, 3]);
  });
});
