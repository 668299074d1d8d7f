// Small formatting rules of the desk's views.

export function initials(name: string): string {
  return name
    .split(/[\s_]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

export function compact(n: number): string {
  return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

export function clock(when: string | number): string {
  return new Date(when).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

const KIND_LABELS: Readonly<Record<string, string>> = { mention: 'Mention', reply: 'Reply', quote: 'Quote', dm: 'Direct message' };

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

export type TextPart = { text: string } | { mention: string } | { email: string } | { phone: string };

// An email address, an @username (not one inside an address), or what may be a phone number: 7 to 15 digits, not after
// a # (an order or case number). isPhone decides on the number.
const PARTS = /([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|(?<![A-Za-z0-9_.])[@＠]([A-Za-z0-9_]{1,15})|(?<![\w+#])(\+?\d(?:[ .-]?\(?\d\)?){6,14})(?![\w])/g;

/** A phone number: written with a +, or grouped (spaces, dots, dashes, brackets), or ten digits and more. */
function isPhone(candidate: string): boolean {
  return candidate.startsWith('+') || /[ .()-]/.test(candidate) || candidate.replace(/\D/g, '').length >= 10;
}

/**
 * Text in parts: each @username (a link to the profile on X), each email address and phone number (the desk offers to
 * email or call them through Perch), and the text between.
 */
export function splitText(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(PARTS)) {
    const start = match.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start) });
    if (match[1]) parts.push({ email: match[1] });
    else if (match[2]) parts.push({ mention: match[2] });
    else if (isPhone(match[3] ?? '')) parts.push({ phone: match[3] ?? '' });
    else parts.push({ text: match[0] });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
