import { TOKEN_EMOJI, TOKEN_EMOTICON, TOKEN_HASHTAG, TOKEN_WORD, type TweetTokenizer } from './tweet-tokenizer.util';

// Function words are the cheapest reliable language cue in short texts. The foreign lists keep only words that
// are not also common English (or English slang) words: "die", "den", "no", "me", "ya", "na" are left out.
const ENGLISH = new Set(
  (
    'the an and or but if of to on at for from with by about as is are was were be been am has have had does did ' +
    "i i'm im i've i'll my mine you you're your yours we our us they their them he his him she her it it's its this that these those " +
    'what why how when where who which there here not never can cant could would should will wont just very really ' +
    "still again now any all some get got need want please thanks thank help out up down off than then too also don't dont didn't"
  ).split(' '),
);

const FOREIGN = new Set(
  (
    // Spanish
    'el los las una por para con del pero muy gracias hola está esta estoy porque qué cuando también todo favor ayuda pedido todavía ' +
    // French
    'le les des est et je pas pour une dans avec sur vous merci très mais où suis c\'est ça ' +
    // German
    'der das und ist nicht ich mit ein eine auf für sie auch danke bitte wir noch nur hilfe bestellung ' +
    // Portuguese and Italian
    'não um uma com obrigado você muito meu minha isso il di che è sono grazie ciao della delle questo ' +
    // Dutch
    'het een niet ik dat zijn voor ook maar mijn nog jullie kunnen heb hebben naar graag bedankt ' +
    // Indonesian / Malay, Tagalog, Turkish
    'yang ini itu aku saya tidak ada dengan untuk kok gak aja ang ng mga ako hindi bir bu için çok'
  ).split(' '),
);

export interface LanguageVerdict {
  supported: boolean;
  reason?: 'no letters' | 'non-latin script' | 'foreign function words';
}

/**
 * Is this text English enough for the model? A script check (mostly Latin letters) plus a function-word vote.
 * Two foreign function words that outnumber the English ones two to one are needed, so a name ("Ursula Le Guin")
 * cannot reject an English tweet; the price is that very short non-English texts pass (see docs/classifier.md).
 */
export function detectEnglish(tokenizer: TweetTokenizer): LanguageVerdict {
  const letters = tokenizer.latinLetters + tokenizer.nonLatinLetters;
  if (letters < 2) {
    // "@brand 😡😡" has no words but a clear meaning; a bare mention or link has none.
    for (let t = 0; t < tokenizer.length; t++) {
      const kind = tokenizer.kinds[t];
      if (kind === TOKEN_EMOJI || kind === TOKEN_EMOTICON) return { supported: true };
    }
    return { supported: false, reason: 'no letters' };
  }
  if (tokenizer.latinLetters / letters < 0.7) return { supported: false, reason: 'non-latin script' };
  let english = 0;
  let foreign = 0;
  for (let t = 0; t < tokenizer.length; t++) {
    const kind = tokenizer.kinds[t];
    if (kind !== TOKEN_WORD && kind !== TOKEN_HASHTAG) continue;
    const token = tokenizer.tokens[t];
    if (ENGLISH.has(token)) english++;
    else if (FOREIGN.has(token)) foreign++;
  }
  if (foreign >= 2 && foreign > 2 * english) return { supported: false, reason: 'foreign function words' };
  return { supported: true };
}
