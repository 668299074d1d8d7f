import { SimulatorStore } from '../state/simulator-store.domain';
import { canSendDm, checkDmText, DM_MAX_LENGTH, oneToOneConversationId, participantsOf } from './dm-policy.util';

describe('DM policy', () => {
  const world = () => {
    const store = new SimulatorStore({ maxStoredTweets: 100, autoPopulateReplyMentions: true, now: Date.now });
    const brand = store.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = store.createUser({ username: 'cat', kind: 'customer' });
    const dog = store.createUser({ username: 'dog', kind: 'customer' });
    return { store, brand, cat, dog };
  };

  it('lets anyone write to a brand, whose DMs are open by default', () => {
    const { store, brand, cat } = world();
    expect(brand.receivesYourDm).toBe(true);
    expect(canSendDm(store, cat, brand)).toBe(true);
  });

  it('lets a brand write to a customer with closed DMs only once the customer follows the brand', () => {
    const { store, brand, cat } = world();
    expect(cat.receivesYourDm).toBe(false);
    expect(canSendDm(store, brand, cat)).toBe(false);
    // The brand following the customer is not enough: the recipient decides.
    store.follow(brand.id, cat.id);
    expect(canSendDm(store, brand, cat)).toBe(false);
    store.follow(cat.id, brand.id);
    expect(canSendDm(store, brand, cat)).toBe(true);
  });

  it('lets anyone write to a customer who opened their DMs', () => {
    const { store, cat } = world();
    const open = store.createUser({ username: 'open', kind: 'customer', receivesYourDm: true });
    expect(canSendDm(store, cat, open)).toBe(true);
  });

  it('requires 1 to 10,000 characters of text, counting emoji as one character', () => {
    expect(checkDmText('hi')).toEqual({ ok: true, text: 'hi' });
    expect(checkDmText(undefined)).toMatchObject({ ok: false, reason: 'missing' });
    expect(checkDmText(42)).toMatchObject({ ok: false, reason: 'missing' });
    expect(checkDmText('')).toMatchObject({ ok: false, reason: 'empty' });
    expect(checkDmText('😀'.repeat(DM_MAX_LENGTH))).toMatchObject({ ok: true });
    expect(checkDmText('a'.repeat(DM_MAX_LENGTH + 1))).toMatchObject({ ok: false, reason: 'too-long', message: expect.stringContaining('$.text') });
  });

  it('names one-to-one conversations by the numerically smaller id first', () => {
    expect(oneToOneConversationId('9876543210', '1234567890')).toBe('1234567890-9876543210');
    expect(oneToOneConversationId('99', '1000')).toBe('99-1000');
    expect(participantsOf('99-1000')).toEqual(['99', '1000']);
    expect(participantsOf('1578398451921985538')).toBeUndefined();
  });
});
