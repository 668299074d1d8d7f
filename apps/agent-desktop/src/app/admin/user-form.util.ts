import type { AgentRole, CreateUserRequest } from '@perch/desktop-api';

// The admin pages' form rules, without React (unit-tested): what a create form sends, and the problems it shows before
// sending (the gateway checks the same and answers 400 naming the fields; these only spare a round trip).

export interface CreateUserForm {
  id: string;
  displayName: string;
  password: string;
  role: AgentRole;
  /** Comma- or space-separated brand usernames, or "*". */
  brands: string;
  /** Comma- or space-separated skills (`billing` or `billing=7`). */
  skills: string;
  capacity: string;
}

export const EMPTY_CREATE_FORM: CreateUserForm = { id: '', displayName: '', password: '', role: 'agent', brands: '', skills: '', capacity: '1' };

const USER_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Field → problem, for the fields the form can check itself; empty when it may be sent. */
export function createFormProblems(form: CreateUserForm): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!USER_ID.test(form.id)) problems['id'] = 'Use 1-64 letters, digits, dots, dashes or underscores';
  if (form.password.length < 8 || form.password.length > 200) problems['password'] = 'Use 8 to 200 characters';
  const capacity = Number(form.capacity);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 50) problems['capacity'] = 'A whole number from 1 to 50';
  return problems;
}

/** The request body: empty optional fields left out, lists split. */
export function createUserRequest(form: CreateUserForm): CreateUserRequest {
  const displayName = form.displayName.trim();
  const brands = splitList(form.brands);
  const skills = splitList(form.skills);
  return {
    id: form.id.trim(),
    password: form.password,
    role: form.role,
    capacity: Number(form.capacity),
    ...(displayName === '' ? {} : { displayName }),
    ...(brands.length === 0 ? {} : { brands }),
    ...(skills.length === 0 ? {} : { skills }),
  };
}

type Problems = { field: string; messages: string[] }[];

/** The gateway's 400 names fields in `problems`: field → its messages, to show beside the inputs. */
export function serverProblems(body: unknown): Record<string, string> {
  const held = body as { problems?: Problems; details?: { problems?: Problems } } | null;
  const problems = held?.problems ?? held?.details?.problems ?? [];
  const out: Record<string, string> = {};
  for (const problem of problems) out[problem.field.split('.')[0] ?? problem.field] = problem.messages.join('; ');
  return out;
}
