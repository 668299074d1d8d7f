import { type FieldProblem, ValidationFailedError } from '@perch/platform';

import { AGENT_ROLES, ALL_BRANDS, type AgentRecord, type AgentRole, type ChannelCapacity } from './agent-directory.domain';
import { hashPassword, type ScryptParams } from './password-hash.util';

const AGENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const AGENT_SKILL = /^[^=]+(?:=(?:0?[1-9]|10))?$/;
// X usernames: 1-15 letters, digits or underscores.
const BRAND_USERNAME = /^[A-Za-z0-9_]{1,15}$/;
const FIELDS = ['id', 'displayName', 'password', 'passwordHash', 'capacity', 'capacityByChannel', 'skills', 'role', 'brands'];
const MAX_CAPACITY = 50;

/**
 * Agents from configuration (e.g. GATEWAY_AGENTS): a JSON array of
 * {"id", "displayName"?, "password" | "passwordHash", "capacity"?, "capacityByChannel"?, "skills"?, "role"?, "brands"?}.
 * `capacityByChannel` ({"public": 3, "dm": 2}, each 0..50) sets separate limits per channel; `capacity` then caps
 * their sum (default: the sum, at most 50; without per-channel limits the default capacity is 1). `role` is
 * agent (default), supervisor or admin; `brands` lists the brand usernames the person may post from (`*` for
 * all; default none, so posting as a brand is always granted explicitly). Plain passwords (demos)
 * are hashed here; production gives passwordHash from hashPassword. With a `skillCatalog` (the router's ROUTER_SKILLS),
 * a skill whose name it does not list is refused too. Throws one ValidationFailedError naming every bad field
 * ("[1].capacity").
 */
export async function agentRecordsFromJson(
  json: string,
  options: { passwordParams?: ScryptParams; skillCatalog?: readonly string[] } = {},
): Promise<AgentRecord[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ValidationFailedError('Agents must be a JSON array', [
      { field: '(root)', messages: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] },
    ]);
  }
  if (!Array.isArray(parsed)) {
    throw new ValidationFailedError('Agents must be a JSON array', [{ field: '(root)', messages: ['must be an array'] }]);
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const pending: (Omit<AgentRecord, 'passwordHash'> & { secret: { hash: string } | { plain: string } })[] = [];
  parsed.forEach((item: unknown, index) => {
    const at = (field: string): string => `[${index}].${field}`;
    const problem = (field: string, message: string): void => {
      problems.push({ field: at(field), messages: [message] });
    };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ field: `[${index}]`, messages: ['must be an object'] });
      return;
    }
    const record = item as Record<string, unknown>;
    const { id, displayName, password, passwordHash, capacity, capacityByChannel, skills, role, brands } = record;
    for (const key of Object.keys(record)) {
      if (!FIELDS.includes(key)) problem(key, 'is not a known field');
    }
    if (typeof id !== 'string' || !AGENT_ID.test(id)) problem('id', 'must be 1-64 letters, digits, dots, dashes or underscores');
    else if (seen.has(id)) problem('id', `duplicate agent id "${id}"`);
    else seen.add(id);
    if (displayName !== undefined && (typeof displayName !== 'string' || displayName.length === 0 || displayName.length > 100)) {
      problem('displayName', 'must be a string of 1-100 characters');
    }
    const hasPlain = typeof password === 'string' && password.length > 0;
    const hasHash = typeof passwordHash === 'string' && passwordHash.startsWith('scrypt$');
    if (hasPlain === hasHash) problem('password', 'give exactly one of password or passwordHash (scrypt$…)');
    if (capacity !== undefined && (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1 || capacity > 50)) {
      problem('capacity', 'must be an integer from 1 to 50');
    }
    const byChannel = channelCapacityOf(capacityByChannel);
    if (capacityByChannel !== undefined && byChannel === undefined) {
      problem('capacityByChannel', 'must be {"public": n, "dm": n}: integers from 0 to 50, not both 0');
    }
    if (skills !== undefined && (!Array.isArray(skills) || skills.some((skill) => typeof skill !== 'string'))) {
      problem('skills', 'must be an array of strings');
    } else if (Array.isArray(skills) && skills.some((skill) => typeof skill === 'string' && skill !== '' && !AGENT_SKILL.test(skill))) {
      // The router's syntax (skills with levels, @perch/routing skill-rules.util): refused here at start-up, not per presence.
      problem('skills', 'each skill must be <name> or <name>=<level 1..10> (the name without "=")');
    } else if (Array.isArray(skills) && options.skillCatalog !== undefined) {
      const catalog = options.skillCatalog;
      // The router refuses such a presence anyway: refused here at start-up, where the configuration can be fixed.
      const unknown = skills.filter((skill): skill is string => typeof skill === 'string' && skill !== '' && !catalog.includes(skill.split('=')[0] ?? skill));
      if (unknown.length > 0) problem('skills', `${unknown.map((skill) => `"${skill}"`).join(', ')} not in the skill catalog (ROUTER_SKILLS)`);
    }
    if (role !== undefined && !isRole(role)) problem('role', `must be one of ${AGENT_ROLES.join(', ')}`);
    if (
      brands !== undefined &&
      (!Array.isArray(brands) || brands.some((brand) => typeof brand !== 'string' || (brand !== ALL_BRANDS && !BRAND_USERNAME.test(brand))))
    ) {
      problem('brands', `must be an array of brand usernames or "${ALL_BRANDS}"`);
    }
    if (typeof id === 'string') {
      pending.push({
        id,
        displayName: typeof displayName === 'string' && displayName.length > 0 ? displayName : id,
        capacity: typeof capacity === 'number' ? capacity : byChannel ? Math.min(byChannel.public + byChannel.dm, MAX_CAPACITY) : 1,
        ...(byChannel === undefined ? {} : { capacityByChannel: byChannel }),
        skills: Array.isArray(skills) ? skills.filter((skill): skill is string => typeof skill === 'string') : [],
        role: isRole(role) ? role : 'agent',
        brands: Array.isArray(brands) ? brands.filter((brand): brand is string => typeof brand === 'string') : [],
        secret: hasHash ? { hash: passwordHash as string } : { plain: typeof password === 'string' ? password : '' },
      });
    }
  });
  if (problems.length > 0) {
    throw new ValidationFailedError(
      `Agents are invalid: ${problems.map((p) => `${p.field} (${p.messages.join('; ')})`).join(', ')}`,
      problems,
    );
  }
  return Promise.all(
    pending.map(async ({ secret, ...agent }) => ({
      ...agent,
      // Full cost (the AgentDirectory's parameters), so checking this agent's password takes as long as any
      // other sign-in and timing names no one; the hashes run in parallel on libuv's pool.
      passwordHash: 'hash' in secret ? secret.hash : await hashPassword(secret.plain, options.passwordParams),
    })),
  );
}

function channelCapacityOf(value: unknown): ChannelCapacity | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { public: publicLimit, dm, ...rest } = value as Record<string, unknown>;
  const limit = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_CAPACITY;
  if (Object.keys(rest).length > 0 || !limit(publicLimit) || !limit(dm) || publicLimit + dm < 1) return undefined;
  return { public: publicLimit, dm };
}

function isRole(value: unknown): value is AgentRole {
  return typeof value === 'string' && (AGENT_ROLES as readonly string[]).includes(value);
}
