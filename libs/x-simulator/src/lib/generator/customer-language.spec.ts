import { SimulatorStore } from '../state/simulator-store.domain';
import { renderTweet } from '../tweets/tweet-render.util';
import { customerLanguage } from './traffic-generator.domain';

describe('simulated customer languages', () => {
  it('gives each generated customer one language, mostly English with some French, Spanish and German', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => String(1_500_000_000_000_000_000n + BigInt(i * 7919)));
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(customerLanguage(id), (counts.get(customerLanguage(id)) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['de', 'en', 'es', 'fr']);
    expect(counts.get('en') ?? 0).toBeGreaterThan(ids.length / 2);
    for (const id of ids.slice(0, 20)) expect(customerLanguage(id)).toBe(customerLanguage(id));
  });

  it("renders a tweet's language as X's lang field, English when none was given", () => {
    const store = new SimulatorStore({ maxStoredTweets: 10, autoPopulateReplyMentions: true, now: Date.now });
    store.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = store.createUser({ username: 'cat', kind: 'customer' });
    const selection = { tweetFields: new Set(['lang']), userFields: new Set<string>(), expansions: new Set<string>() };
    const french = store.createTweet({ authorId: cat.id, text: '@acme_support ma commande', origin: 'admin', lang: 'fr' });
    const plain = store.createTweet({ authorId: cat.id, text: '@acme_support my order', origin: 'admin' });
    expect(renderTweet(french, selection).lang).toBe('fr');
    expect(renderTweet(plain, selection).lang).toBe('en');
  });
});
