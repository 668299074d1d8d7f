import { ValidationFailedError } from '@perch/platform';

import { matchScore, parseAgentSkill, parseSkillRules, requirementsOf, skillLevelsOf, type SkillRuleSubject } from './skill-rules.util';

const subject = (overrides: Partial<SkillRuleSubject> = {}): SkillRuleSubject => ({
  brandAccountId: '111',
  brandUsername: 'acme_support',
  classification: { sentiment: 'negative', actionability: 'actionable' },
  ...overrides,
});

const RULES = JSON.stringify([
  { when: { brand: 'acme_support' }, require: 'brand:acme_support' },
  { when: { lang: 'fr' }, require: 'language:fr', minLevel: 2, widenAfterMs: 60_000, widenTo: 'language:any' },
  { when: { actionability: 'actionable', sentiment: 'negative' }, require: 'topic:complaints', minLevel: 3, widenAfterMs: 30_000, widenTo: '' },
]);

describe('skills with levels', () => {
  it('reads a plain skill name as level 1 and name=level as that level', () => {
    expect(parseAgentSkill('billing')).toEqual({ name: 'billing', level: 1 });
    expect(parseAgentSkill('language:fr=3')).toEqual({ name: 'language:fr', level: 3 });
  });

  it('refuses a level out of range, an empty name or a second =', () => {
    for (const raw of ['language:fr=0', 'language:fr=11', '=2', 'x=1=2', 'x=', '']) expect(parseAgentSkill(raw)).toBeUndefined();
  });

  it('keeps the highest level of a repeated skill and names every malformed entry', () => {
    expect([...skillLevelsOf(['language:fr=2', 'language:fr=4', 'billing'])]).toEqual([
      ['language:fr', 4],
      ['billing', 1],
    ]);
    expect(() => skillLevelsOf(['ok', 'bad=99'])).toThrow(ValidationFailedError);
  });
});

describe('skill rules', () => {
  const rules = parseSkillRules(RULES, 'ROUTER_SKILL_RULES');

  it('requires nothing when no rule applies, so work without rules goes to anyone', () => {
    expect(requirementsOf(rules, subject({ brandUsername: 'other', brandAccountId: '9', classification: { sentiment: 'positive', actionability: 'not-actionable' } }), 0)).toEqual([]);
  });

  it('derives the requirements of every applying rule, by brand username or id, sorted by skill', () => {
    expect(requirementsOf(rules, subject({ brandUsername: 'x', brandAccountId: 'acme_support' }), 0)).toEqual([
      { skill: 'brand:acme_support', minLevel: 1 },
      { skill: 'topic:complaints', minLevel: 3 },
    ]);
  });

  it('widens a requirement after its wait, or drops it when it widens to nothing', () => {
    const fr = subject({ lang: 'fr' });
    expect(requirementsOf(rules, fr, 59_999)).toContainEqual({ skill: 'language:fr', minLevel: 2 });
    expect(requirementsOf(rules, fr, 60_000)).toEqual([
      { skill: 'brand:acme_support', minLevel: 1 },
      { skill: 'language:any', minLevel: 1 },
    ]);
  });

  it('ignores a language rule when the interaction carries no language', () => {
    expect(requirementsOf(rules, subject(), 0).map((r) => r.skill)).not.toContain('language:fr');
  });

  it('scores an agent by its level sum only when it meets every requirement', () => {
    const requirements = requirementsOf(rules, subject({ lang: 'fr' }), 0);
    expect(matchScore(skillLevelsOf(['brand:acme_support=5', 'language:fr=3', 'topic:complaints=3']), requirements)).toBe(11);
    expect(matchScore(skillLevelsOf(['brand:acme_support=5', 'language:fr=1', 'topic:complaints=3']), requirements)).toBeUndefined();
    expect(matchScore(skillLevelsOf([]), [])).toBe(0);
  });

  it('names the variable and every bad rule at start-up', () => {
    const bad = JSON.stringify([
      { when: { brand: 'a' }, require: 'has space' },
      { when: { mood: 'x' }, require: 'ok', minLevel: 0 },
      { require: 'ok', widenAfterMs: 10 },
      { when: { sentiment: 'angry' }, require: 'ok', extra: 1 },
    ]);
    let error: unknown;
    try {
      parseSkillRules(bad, 'ROUTER_SKILL_RULES');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    const text = error instanceof ValidationFailedError ? `${error.message} ${JSON.stringify(error.problems)}` : '';
    expect(text).toContain('ROUTER_SKILL_RULES');
    for (const expected of ['rule 0', 'unknown condition mood', 'minLevel', 'widenAfterMs and widenTo go together', 'when.sentiment', 'unknown keys extra']) {
      expect(text).toContain(expected);
    }
    expect(() => parseSkillRules('{', 'ROUTER_SKILL_RULES')).toThrow('ROUTER_SKILL_RULES');
    expect(() => parseSkillRules('{}', 'ROUTER_SKILL_RULES')).toThrow('ROUTER_SKILL_RULES');
  });
});
