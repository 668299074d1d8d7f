import { ValidationFailedError } from '@perch/platform';

import {
  parseAgentSkill,
  parseSkillCatalog,
  parseSkillRules,
  ruleRequirementOf,
  skillConfigProblems,
  skillLevelsOf,
  skillMatchOf,
  skillOptionsOf,
  skillsOutsideCatalog,
  type SkillRuleSubject,
} from './skill-rules.util';

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
    expect(ruleRequirementOf(rules, subject({ brandUsername: 'other', brandAccountId: '9', classification: { sentiment: 'positive', actionability: 'not-actionable' } }))).toBeUndefined();
    expect(ruleRequirementOf([], subject())).toBeUndefined();
  });

  it('applies the first rule whose conditions all hold, in configuration order, matching the brand by username or id', () => {
    expect(ruleRequirementOf(rules, subject())).toEqual({ rule: 0, requiredSkill: 'brand:acme_support', requiredLevel: 1 });
    expect(ruleRequirementOf(rules, subject({ brandUsername: 'x', brandAccountId: 'acme_support' }))).toMatchObject({ rule: 0 });
    // Another brand: the language rule comes first for a French message, the complaint rule otherwise.
    expect(ruleRequirementOf(rules, subject({ brandUsername: 'other', lang: 'fr' }))).toEqual({
      rule: 1,
      requiredSkill: 'language:fr',
      requiredLevel: 2,
      widen: { afterMs: 60_000, to: 'language:any' },
    });
    expect(ruleRequirementOf(rules, subject({ brandUsername: 'other' }))).toEqual({
      rule: 2,
      requiredSkill: 'topic:complaints',
      requiredLevel: 3,
      widen: { afterMs: 30_000, to: '' },
    });
  });

  it('ignores a language rule when the interaction carries no language', () => {
    expect(ruleRequirementOf(rules, subject({ brandUsername: 'other', classification: { sentiment: 'positive', actionability: 'actionable' } }))).toBeUndefined();
  });

  it('matches an agent on the required skill from its minimum level, and on the overflow skill at any level', () => {
    expect(skillMatchOf(['language:fr=3'], 'language:fr', undefined, 2)).toBe(3);
    expect(skillMatchOf(['language:fr=1'], 'language:fr', undefined, 2)).toBeUndefined();
    expect(skillMatchOf(['language:fr=1', 'tier2'], 'language:fr', 'tier2', 2)).toBe(1);
    expect(skillMatchOf([], undefined, undefined, 1)).toBe(0);
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

describe('skill catalog and configuration', () => {
  it('reads a comma-separated catalog and names agent skills outside it, levels aside', () => {
    expect(parseSkillCatalog('language:fr, language:en,billing')).toEqual(['language:fr', 'language:en', 'billing']);
    expect(parseSkillCatalog('a,,b')).toBeUndefined();
    expect(parseSkillCatalog('has space')).toBeUndefined();
    expect(skillsOutsideCatalog(['language:fr=3', 'billing', 'cooking=2'], ['language:fr', 'billing'])).toEqual(['cooking=2']);
  });

  it('names ROUTER_SKILL_RULES and each bad rule, and a rule skill missing from ROUTER_SKILLS, in one list', () => {
    expect(skillConfigProblems(undefined, undefined)).toEqual([]);
    expect(skillConfigProblems(RULES, undefined)).toEqual([]);
    const missing = skillConfigProblems(RULES, 'brand:acme_support,language:fr');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain('ROUTER_SKILL_RULES names skills not in ROUTER_SKILLS: language:any, topic:complaints');
    const bad = skillConfigProblems(JSON.stringify([{ require: 'ok' }, { require: 'x y' }]), 'a b');
    expect(bad.join(' | ')).toMatch(/ROUTER_SKILLS must be/);
    expect(bad.join(' | ')).toMatch(/ROUTER_SKILL_RULES: rule 1: require must be a skill name/);
  });

  it('gives the router its rules and catalog from valid configuration', () => {
    expect(skillOptionsOf(undefined, undefined)).toEqual({});
    const options = skillOptionsOf(RULES, 'brand:acme_support,language:fr,language:any,topic:complaints');
    expect(options.skillRules).toHaveLength(3);
    expect(options.skillCatalog).toEqual(['brand:acme_support', 'language:fr', 'language:any', 'topic:complaints']);
  });
});
