import { readFileSync } from 'node:fs';

/**
 * The VADER lexicon (Hutto & Gilbert 2014, Apache-2.0): 7,517 words, slang and emoticons rated by crowd workers for
 * social-media text, mean valence −4..+4. It is read from the `vader-sentiment` dependency when the first model
 * that uses it loads (never copied into the repository); VADER's own rule engine is not used.
 */
export const VADER_LEXICON_MODULE_PATH = 'vader-sentiment/vader_lexicon.txt';

/** VADER's constants: a negated word's valence is multiplied by −0.74 (N_SCALAR). */
export const VADER_NEGATION_SCALAR = -0.74;
/** VADER's normalisation of a valence sum into −1..1: x / sqrt(x² + alpha). */
export const VADER_COMPOUND_ALPHA = 15;

/**
 * Parses the lexicon file (word TAB mean TAB std TAB ratings). Entries are lower-cased to match the tokeniser; where
 * two entries differ only in case (":D" and ":d") the lower-case one wins. Multi-word entries are skipped: the
 * extractor scores single tokens.
 */
export function parseVaderLexicon(text: string): Map<string, number> {
  const lexicon = new Map<string, number>();
  const exact = new Set<string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const entry = line.slice(0, tab);
    if (entry.includes(' ')) continue;
    const valence = Number.parseFloat(line.slice(tab + 1, line.indexOf('\t', tab + 1)));
    if (!Number.isFinite(valence)) continue;
    const key = entry.toLowerCase();
    const isExact = key === entry;
    if (lexicon.has(key) && (exact.has(key) || !isExact)) continue;
    lexicon.set(key, valence);
    if (isExact) exact.add(key);
  }
  return lexicon;
}

let loaded: ReadonlyMap<string, number> | undefined;

/** The lexicon, read and parsed once per process (a few milliseconds). */
export function vaderLexicon(): ReadonlyMap<string, number> {
  if (loaded === undefined) loaded = parseVaderLexicon(readFileSync(require.resolve(VADER_LEXICON_MODULE_PATH), 'utf8'));
  return loaded;
}
