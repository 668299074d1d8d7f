/** The placeholders a standard response may use, as `{{name}}`. */
export const STANDARD_RESPONSE_PLACEHOLDERS = ['customer.name', 'customer.handle', 'agent.name', 'case.number'] as const;
export type StandardResponsePlaceholder = (typeof STANDARD_RESPONSE_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders a text uses, in order of first use (unknown ones too, as written). */
export function placeholdersIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The placeholders a text uses that are not in STANDARD_RESPONSE_PLACEHOLDERS (refused when a response is saved). */
export function unknownPlaceholders(text: string): string[] {
  return placeholdersIn(text).filter((name) => !(STANDARD_RESPONSE_PLACEHOLDERS as readonly string[]).includes(name));
}

export type RenderResult = { ok: true; text: string; values: Record<string, string> } | { ok: false; unfilled: string[] };

/**
 * Fills a standard response's placeholders; the desktop's preview and the gateway's render endpoint share it.
 * A placeholder whose value is missing or blank (or unknown) is not filled: the result names them all.
 */
export function renderStandardResponse(text: string, values: Partial<Record<StandardResponsePlaceholder, string>>): RenderResult {
  const lookup = values as Partial<Record<string, string>>;
  const unfilled = placeholdersIn(text).filter((name) => !/\S/.test(lookup[name] ?? ''));
  if (unfilled.length > 0) return { ok: false, unfilled };
  const used: Record<string, string> = {};
  const rendered = text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = lookup[name] ?? '';
    used[name] = value;
    return value;
  });
  return { ok: true, text: rendered, values: used };
}

/**
 * An interaction's case number, what a customer can quote back: `P-` and the first 8 hex digits of its id, upper-case
 * (stable, short; two interactions share one about once in 65,000 pairs among 4 billion, fine for a reference a person
 * reads next to the conversation).
 */
export function caseNumberOf(interactionId: string): string {
  return `P-${interactionId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}
