import {
  ACTIONABILITIES,
  type Actionability,
  type Classification,
  parseSkillCatalog as parseCatalog,
  SENTIMENTS,
  type Sentiment,
} from '@perch/contracts';
import { ValidationFailedError } from '@perch/platform';

/*
 * Skills with levels and the rules that turn an interaction into requirements (issue 10, item 4). Pure functions only:
 * both stores and the router's configuration share them so they agree on every syntax and every match. The router
 * applies the first rule that matches (`ruleRequirementOf`); the store keeps one required skill, its minimum level and
 * its widening.
 */

/** Highest level an agent skill or a requirement may carry. */
export const MAX_SKILL_LEVEL = 10;

// A skill name holds no '=' (so `name=level` is unambiguous; the Lua scripts parse it the same way); `language:fr`
// style is usual. Rules' names also hold no whitespace.
const SKILL_NAME = /^[^\s=]{1,64}$/;
const AGENT_SKILL = /^([^=]+)(?:=(\d{1,2}))?$/;

export interface SkillLevel {
  name: string;
  /** 1..MAX_SKILL_LEVEL; a plain name means 1. */
  level: number;
}

/** `language:fr=3` → {language:fr, 3}; a plain `billing` → level 1. Undefined for anything else. */
export function parseAgentSkill(raw: string): SkillLevel | undefined {
  const match = AGENT_SKILL.exec(raw);
  if (!match) return undefined;
  const level = match[2] === undefined ? 1 : Number(match[2]);
  if (level < 1 || level > MAX_SKILL_LEVEL) return undefined;
  return { name: match[1] ?? raw, level };
}

/** An agent's skills as name → level (the highest when a name repeats); throws on a malformed entry. */
export function skillLevelsOf(skills: readonly string[]): Map<string, number> {
  const levels = new Map<string, number>();
  const bad = skills.filter((raw) => parseAgentSkill(raw) === undefined);
  if (bad.length > 0) {
    throw new ValidationFailedError('Invalid agent skills', [
      { field: 'skills', messages: bad.map((raw) => `"${raw}" is not <name> or <name>=<level 1..${MAX_SKILL_LEVEL}>`) },
    ]);
  }
  for (const raw of skills) {
    const skill = parseAgentSkill(raw);
    if (skill) levels.set(skill.name, Math.max(levels.get(skill.name) ?? 0, skill.level));
  }
  return levels;
}

/** The distinct skill names of an agent's skills (levels dropped), as the indexes and counts use them. */
export function skillNamesOf(skills: readonly string[]): string[] {
  return [...new Set(skills.map((raw) => parseAgentSkill(raw)?.name ?? raw))].filter((name) => name.length > 0);
}

/** The agent's level in a skill (the highest when repeated); 0 when it does not have it. */
export function skillLevelOf(skills: readonly string[], name: string): number {
  let level = 0;
  for (const raw of skills) {
    const skill = parseAgentSkill(raw);
    if (skill && skill.name === name) level = Math.max(level, skill.level);
  }
  return level;
}

/**
 * How well an agent matches an interaction needing `requiredSkill` (or, once overflowed, `overflowSkill`): the highest
 * of its levels in the skills that make it eligible (0 for work anyone may take); undefined when it is not eligible.
 * Dispatch offers the highest match first, then the longest-idle.
 */
export function skillMatchOf(
  skills: readonly string[],
  requiredSkill: string | undefined,
  overflowSkill: string | undefined,
  requiredLevel = 1,
): number | undefined {
  let best: number | undefined = requiredSkill === undefined ? 0 : undefined;
  // The required skill counts from its minimum level; the overflow skill at any level.
  for (const [name, minLevel] of [
    [requiredSkill, requiredLevel],
    [overflowSkill, 1],
  ] as const) {
    if (name === undefined) continue;
    const level = skillLevelOf(skills, name);
    if (level >= Math.max(1, minLevel)) best = Math.max(best ?? 0, level);
  }
  return best;
}

/** One configured rule: when every `when` condition holds, the interaction requires `require` (at `minLevel`). */
export interface SkillRule {
  /** Conditions, all of which must hold; an empty `when` applies to every interaction. */
  when: {
    /** The brand account's username (without @) or its id. */
    brand?: string;
    /** The inbound message's language (X's `lang`, e.g. fr); a message without one matches no language rule. */
    lang?: string;
    sentiment?: Sentiment;
    actionability?: Actionability;
  };
  require: string;
  minLevel: number;
  /** After this wait (ms) the requirement widens to `widenTo` (level 1); undefined: it never widens. */
  widenAfterMs?: number;
  /** The widened requirement; '' drops the requirement altogether. */
  widenTo?: string;
}

/** What a rule is matched against: known for every interaction from its first message and classification. */
export interface SkillRuleSubject {
  brandAccountId: string;
  brandUsername: string;
  lang?: string;
  classification: Pick<Classification, 'sentiment' | 'actionability'>;
}

const WHEN_KEYS = ['brand', 'lang', 'sentiment', 'actionability'] as const;
const RULE_KEYS = ['when', 'require', 'minLevel', 'widenAfterMs', 'widenTo'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks the rules' JSON (an array of SkillRule). Every problem is reported at once, under `variable`, so
 * a start-up error names the environment variable and each bad rule by index.
 */
export function parseSkillRules(json: string, variable: string): SkillRule[] {
  const problems: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ValidationFailedError(`Invalid ${variable}`, [{ field: variable, messages: ['must be a JSON array of rules'] }]);
  }
  if (!Array.isArray(value)) {
    throw new ValidationFailedError(`Invalid ${variable}`, [{ field: variable, messages: ['must be a JSON array of rules'] }]);
  }
  const rules: SkillRule[] = [];
  value.forEach((raw: unknown, index) => {
    const at = `rule ${index}`;
    if (!isRecord(raw)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    const unknownKeys = Object.keys(raw).filter((key) => !(RULE_KEYS as readonly string[]).includes(key));
    if (unknownKeys.length > 0) problems.push(`${at}: unknown keys ${unknownKeys.join(', ')}`);
    const when = raw['when'] ?? {};
    const rule: SkillRule = { when: {}, require: '', minLevel: 1 };
    if (!isRecord(when)) problems.push(`${at}: when must be an object`);
    else {
      for (const key of Object.keys(when)) {
        const condition = when[key];
        if (!(WHEN_KEYS as readonly string[]).includes(key)) problems.push(`${at}: unknown condition ${key}`);
        else if (typeof condition !== 'string' || condition.length === 0) problems.push(`${at}: when.${key} must be a non-empty string`);
        else if (key === 'sentiment' && !(SENTIMENTS as readonly string[]).includes(condition)) problems.push(`${at}: when.sentiment must be one of ${SENTIMENTS.join(', ')}`);
        else if (key === 'actionability' && !(ACTIONABILITIES as readonly string[]).includes(condition)) problems.push(`${at}: when.actionability must be one of ${ACTIONABILITIES.join(', ')}`);
      }
      rule.when = when as SkillRule['when'];
    }
    const require = raw['require'];
    if (typeof require !== 'string' || !SKILL_NAME.test(require)) problems.push(`${at}: require must be a skill name (no '=', no spaces, 1..64 characters)`);
    else rule.require = require;
    const minLevel = raw['minLevel'] ?? 1;
    if (typeof minLevel !== 'number' || !Number.isInteger(minLevel) || minLevel < 1 || minLevel > MAX_SKILL_LEVEL) problems.push(`${at}: minLevel must be an integer 1..${MAX_SKILL_LEVEL}`);
    else rule.minLevel = minLevel;
    const widenAfterMs = raw['widenAfterMs'];
    const widenTo = raw['widenTo'];
    if ((widenAfterMs === undefined) !== (widenTo === undefined)) problems.push(`${at}: widenAfterMs and widenTo go together`);
    if (widenAfterMs !== undefined) {
      if (typeof widenAfterMs !== 'number' || !Number.isInteger(widenAfterMs) || widenAfterMs < 1) problems.push(`${at}: widenAfterMs must be a positive integer`);
      else rule.widenAfterMs = widenAfterMs;
    }
    if (widenTo !== undefined) {
      if (typeof widenTo !== 'string' || (widenTo !== '' && !SKILL_NAME.test(widenTo))) problems.push(`${at}: widenTo must be a skill name or ''`);
      else rule.widenTo = widenTo;
    }
    rules.push(rule);
  });
  if (problems.length > 0) throw new ValidationFailedError(`Invalid ${variable}`, [{ field: variable, messages: problems }]);
  return rules;
}

function applies(rule: SkillRule, subject: SkillRuleSubject): boolean {
  const { brand, lang, sentiment, actionability } = rule.when;
  if (brand !== undefined && brand !== subject.brandUsername && brand !== subject.brandAccountId) return false;
  // No language known: a language rule does not apply (the interaction needs nothing of it).
  if (lang !== undefined && lang !== subject.lang) return false;
  if (sentiment !== undefined && sentiment !== subject.classification.sentiment) return false;
  return actionability === undefined || actionability === subject.classification.actionability;
}

/** What the first applying rule asks of the store for a new interaction. */
export interface RuleRequirement {
  /** The rule's index in the configuration. */
  rule: number;
  requiredSkill: string;
  /** 1..MAX_SKILL_LEVEL. */
  requiredLevel: number;
  widen?: { afterMs: number; to: string };
}

/**
 * The requirement of a new interaction: the FIRST rule (configuration order) whose conditions all hold; later rules
 * are not merged in (the store keeps one required skill per interaction). Undefined: no rule applies, anyone may take it.
 */
export function ruleRequirementOf(rules: readonly SkillRule[], subject: SkillRuleSubject): RuleRequirement | undefined {
  const index = rules.findIndex((rule) => applies(rule, subject));
  const rule = rules[index];
  if (rule === undefined) return undefined;
  return {
    rule: index,
    requiredSkill: rule.require,
    requiredLevel: rule.minLevel,
    ...(rule.widenAfterMs === undefined ? {} : { widen: { afterMs: rule.widenAfterMs, to: rule.widenTo ?? '' } }),
  };
}

/** The skill names rules may ask for (required and widened-to), for checking them against a skill catalog. */
export function skillsOfRules(rules: readonly SkillRule[]): string[] {
  return [...new Set(rules.flatMap((rule) => [rule.require, ...(rule.widenTo ? [rule.widenTo] : [])]))];
}

/** A skill catalog ("language:fr,brand:acme") as a list, or undefined when malformed (the contract's rule, shared with the gateway). */
export function parseSkillCatalog(raw: string): string[] | undefined {
  return parseCatalog(raw);
}

/** Agent skills (`name` or `name=level`) whose name the catalog does not list; [] when every one is known. */
export function skillsOutsideCatalog(skills: readonly string[], catalog: readonly string[]): string[] {
  return skills.filter((raw) => !catalog.includes(parseAgentSkill(raw)?.name ?? raw));
}

/**
 * What is wrong with the skill configuration (ROUTER_SKILL_RULES JSON, ROUTER_SKILLS catalog), as messages naming the
 * variable and each bad rule or skill; [] when both are fine or absent. For the apps' start-up validation.
 */
export function skillConfigProblems(rulesJson: string | undefined, catalogRaw: string | undefined): string[] {
  const problems: string[] = [];
  const catalog = catalogRaw === undefined ? undefined : parseSkillCatalog(catalogRaw);
  if (catalogRaw !== undefined && catalog === undefined) {
    problems.push('ROUTER_SKILLS must be a comma-separated list of skill names (no "=", no spaces, 1..64 characters each)');
  }
  if (rulesJson === undefined) return problems;
  try {
    const rules = parseSkillRules(rulesJson, 'ROUTER_SKILL_RULES');
    const unknown = catalog === undefined ? [] : skillsOfRules(rules).filter((skill) => !catalog.includes(skill));
    if (unknown.length > 0) problems.push(`ROUTER_SKILL_RULES names skills not in ROUTER_SKILLS: ${unknown.join(', ')}`);
  } catch (error: unknown) {
    if (!(error instanceof ValidationFailedError)) throw error;
    problems.push(`ROUTER_SKILL_RULES: ${error.problems.flatMap((problem) => problem.messages).join('; ')}`);
  }
  return problems;
}

/** The router's skill options from valid configuration (check skillConfigProblems first). */
export function skillOptionsOf(rulesJson: string | undefined, catalogRaw: string | undefined): { skillRules?: SkillRule[]; skillCatalog?: string[] } {
  const catalog = catalogRaw === undefined ? undefined : parseSkillCatalog(catalogRaw);
  return {
    ...(rulesJson === undefined ? {} : { skillRules: parseSkillRules(rulesJson, 'ROUTER_SKILL_RULES') }),
    ...(catalog === undefined ? {} : { skillCatalog: catalog }),
  };
}
