import { ReplyComposer } from './reply-composer.domain';

describe('ReplyComposer', () => {
  const composer = new ReplyComposer();

  it("puts the customer's @mention in front of the agent's text", () => {
    const result = composer.compose({ text: 'We are on it, sorry!', replyTo: 'dana_flies' });
    expect(result).toMatchObject({ ok: true, text: '@dana_flies We are on it, sorry!', insertedMentions: ['dana_flies'] });
  });

  it('does not add the mention again when the agent already started with it, whatever its case', () => {
    expect(composer.compose({ text: '@Dana_Flies thanks!', replyTo: 'dana_flies' })).toMatchObject({
      ok: true,
      text: '@Dana_Flies thanks!',
      insertedMentions: [],
    });
    expect(composer.compose({ text: '@dana_flies, thanks!', replyTo: 'dana_flies' })).toMatchObject({
      ok: true,
      text: '@dana_flies, thanks!',
    });
  });

  it('adds the mention when the agent only mentions the customer later in the text', () => {
    expect(composer.compose({ text: 'thanks @dana_flies', replyTo: 'dana_flies' })).toMatchObject({
      ok: true,
      text: '@dana_flies thanks @dana_flies',
    });
  });

  it("for reply-all mentions the thread's others after the author, once each, never the brand itself", () => {
    const result = composer.compose({
      text: '@sam we will look into it',
      replyTo: 'dana_flies',
      others: ['sam', 'PerchAir', 'lee', 'Lee', 'dana_flies'],
      brandUsername: 'perchair',
    });
    expect(result).toMatchObject({ ok: true, text: '@dana_flies @lee @sam we will look into it', insertedMentions: ['dana_flies', 'lee'] });
  });

  it('refuses an empty reply, and one that is only mentions', () => {
    for (const text of ['', '   ', '@dana_flies', '@dana_flies   ']) {
      const result = composer.compose({ text, replyTo: 'dana_flies' });
      expect(result).toMatchObject({ ok: false, refusal: { code: 'empty' } });
    }
  });

  it('accepts exactly 280 weighted characters, the mention included', () => {
    const prefix = '@dana_flies ';
    const result = composer.compose({ text: 'a'.repeat(280 - prefix.length), replyTo: 'dana_flies' });
    expect(result).toMatchObject({ ok: true, weightedLength: 280, remaining: 0 });
  });

  it('refuses 281 weighted characters and says by how much it is too long', () => {
    const prefix = '@dana_flies ';
    const result = composer.compose({ text: 'a'.repeat(281 - prefix.length), replyTo: 'dana_flies' });
    expect(result).toMatchObject({ ok: false, refusal: { code: 'too-long', overBy: 1, weightedLength: 281, maxWeightedLength: 280 } });
    if (!result.ok) expect(result.refusal.message).toMatch(/too long by 1 character\b/);
  });

  it('counts every URL as 23 characters, however long it is', () => {
    const url = `https://example.com/${'x'.repeat(200)}`;
    const result = composer.compose({ text: `see ${url}`, replyTo: 'dana_flies' });
    // "@dana_flies " (12) + "see " (4) + URL (23)
    expect(result).toMatchObject({ ok: true, weightedLength: 39 });
  });

  it('counts each emoji, even a ZWJ family, as 2', () => {
    const result = composer.compose({ text: '😀👨‍👩‍👧‍👦', replyTo: 'dana_flies' });
    expect(result).toMatchObject({ ok: true, weightedLength: 12 + 4 });
  });

  it('counts CJK characters as 2, so 134 of them no longer fit after the mention', () => {
    const fits = composer.compose({ text: '日'.repeat(134), replyTo: 'dana_flies' });
    expect(fits).toMatchObject({ ok: true, weightedLength: 280 });
    const tooLong = composer.compose({ text: '日'.repeat(135), replyTo: 'dana_flies' });
    expect(tooLong).toMatchObject({ ok: false, refusal: { code: 'too-long', overBy: 2 } });
  });

  describe('new posts and direct messages', () => {
    it('checks a new post by the tweet rule without putting any mention in front', () => {
      expect(composer.composePost('  Our app is back up. Thanks for your patience!  ')).toMatchObject({
        ok: true,
        text: 'Our app is back up. Thanks for your patience!',
        insertedMentions: [],
      });
      expect(composer.composePost('x'.repeat(281))).toMatchObject({
        ok: false,
        refusal: { code: 'too-long', overBy: 1, message: expect.stringContaining('The post is too long by 1 character') },
      });
      expect(composer.composePost('   ')).toMatchObject({ ok: false, refusal: { code: 'empty' } });
    });

    it('lets a DM run far past 280 characters but not past X\'s 10,000, and refuses an empty one', () => {
      expect(composer.composeDm('y'.repeat(5000))).toMatchObject({ ok: true, remaining: 5000 });
      expect(composer.composeDm('y'.repeat(10_001))).toMatchObject({
        ok: false,
        refusal: { code: 'too-long', overBy: 1, maxWeightedLength: 10_000 },
      });
      expect(composer.composeDm(' \n ')).toMatchObject({ ok: false, refusal: { code: 'empty' } });
    });
  });
});
