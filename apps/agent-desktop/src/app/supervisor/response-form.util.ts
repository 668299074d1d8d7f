import type { CreateStandardResponseRequest, StandardResponse, UpdateStandardResponseRequest } from '@perch/desktop-api';

// The standard-responses page's form rules, without React (unit-tested): what a form sends on create and on edit, the
// problems it shows before sending (the gateway checks the same and answers 400 naming the fields; these only spare a
// round trip), where a placeholder chip lands in the text, and the library's search query.

export interface ResponseForm {
  title: string;
  text: string;
  /** A brand's username; '' for every brand. */
  brand: string;
  language: string;
  category: string;
}

export const EMPTY_RESPONSE_FORM: ResponseForm = { title: '', text: '', brand: '', language: 'en', category: '' };

/** The gateway's rule for a language tag: `en`, `pt-BR`. */
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function formOf(response: StandardResponse): ResponseForm {
  return { title: response.title, text: response.text, brand: response.brand ?? '', language: response.language, category: response.category };
}

/** The placeholder names a text uses ({{customer.name}} → customer.name), in order, once each. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

/**
 * Field → problem, for what the form can check itself; empty when it may be sent. Placeholders are the gateway's to
 * judge (its 400 names an unknown one beside the text); `unknownPlaceholders` only warns while typing.
 */
export function responseFormProblems(form: ResponseForm): Record<string, string> {
  const problems: Record<string, string> = {};
  const title = form.title.trim();
  if (title === '' || title.length > 200) problems['title'] = 'A title of 1 to 200 characters';
  const text = form.text.trim();
  if (text === '' || text.length > 10_000) problems['text'] = 'A text of 1 to 10000 characters';
  if (!LANGUAGE.test(form.language.trim())) problems['language'] = 'A language tag like en or pt-BR';
  const category = form.category.trim();
  if (category === '' || category.length > 64) problems['category'] = 'A category of 1 to 64 characters';
  return problems;
}

/** A warning while typing: the placeholders of the text the gateway will refuse, or null. */
export function unknownPlaceholders(text: string, placeholders: readonly string[]): string | null {
  if (placeholders.length === 0) return null;
  const unknown = placeholdersIn(text).filter((name) => !placeholders.includes(name));
  return unknown.length === 0 ? null : `Unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(', ')}: use ${placeholders.map((name) => `{{${name}}}`).join(', ')}`;
}

/** The create body: trimmed, no brand meaning every brand. */
export function createResponseRequest(form: ResponseForm): CreateStandardResponseRequest {
  const brand = form.brand.trim().toLowerCase();
  return { title: form.title.trim(), text: form.text, brand: brand === '' ? null : brand, language: form.language.trim(), category: form.category.trim() };
}

/** The edit body: only the fields that differ from the response as saved (empty: nothing to send). */
export function responseChanges(saved: StandardResponse, form: ResponseForm): UpdateStandardResponseRequest {
  const next = createResponseRequest(form);
  const changes: UpdateStandardResponseRequest = {};
  if (next.title !== saved.title) changes.title = next.title;
  if (next.text !== saved.text) changes.text = next.text;
  if ((next.brand ?? null) !== saved.brand) changes.brand = next.brand ?? null;
  if (next.language !== saved.language) changes.language = next.language;
  if (next.category !== saved.category) changes.category = next.category;
  return changes;
}

/** The text with `{{name}}` in place of the selection [start, end), and where the caret goes after it. */
export function insertPlaceholder(text: string, start: number, end: number, name: string): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  const token = `{{${name}}}`;
  return { text: `${text.slice(0, from)}${token}${text.slice(to)}`, caret: from + token.length };
}

export interface LibraryFilters {
  q: string;
  brand: string;
  language: string;
  category: string;
}

export const NO_FILTERS: LibraryFilters = { q: '', brand: '', language: '', category: '' };

/** GET /api/standard-responses' query: the filters given, trimmed, and the largest page. */
export function libraryQuery(filters: LibraryFilters): string {
  const params = new URLSearchParams();
  for (const name of ['q', 'brand', 'language', 'category'] as const) {
    const value = filters[name].trim();
    if (value !== '') params.set(name, value);
  }
  params.set('limit', '200');
  return params.toString();
}
