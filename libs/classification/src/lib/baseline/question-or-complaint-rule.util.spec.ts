import { questionOrComplaintRule } from './question-or-complaint-rule.util';

describe('questionOrComplaintRule', () => {
  it('calls a question or a complaint word actionable', () => {
    expect(questionOrComplaintRule('do you ship to Ireland?')).toBe(true);
    expect(questionOrComplaintRule('@acme the app is broken again')).toBe(true);
    expect(questionOrComplaintRule('so disappointed with the delivery')).toBe(true);
  });

  it('calls everything else not actionable, however urgent it reads', () => {
    expect(questionOrComplaintRule('love you guys')).toBe(false);
    expect(questionOrComplaintRule('need to change my delivery address')).toBe(false);
  });
});
