import { type Redis } from 'ioredis';

import { type CursorStore } from './cursor-store.port';

// Compare-and-set in one script so two ingestor replicas polling at once can never move a cursor back.
// Ids are compared as decimal strings (length first): Lua numbers lose precision past 2^53.
const ADVANCE = `
local current = redis.call('GET', KEYS[1])
local id = ARGV[1]
if (not current) or (#id > #current) or (#id == #current and id > current) then
  redis.call('SET', KEYS[1], id)
  return 1
end
return 0
`;

export class RedisCursorStore implements CursorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'perch:ingest:cursor:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async advance(key: string, id: string): Promise<void> {
    await this.redis.eval(ADVANCE, 1, this.prefix + key, id);
  }
}
