import { type Actionability, type Classification, type Sentiment } from '@perch/contracts';
import SentimentAnalyzer from 'sentiment';

import { type TextClassifier } from '../classifier.port';
import { ACTION_CUES, CARE_SENTIMENT_EXTRAS, CLOSURE_CUES } from './care-lexicon.constants';

const MODEL = 'lexicon-baseline@1';

// Mentions and links carry no sentiment and would dilute the analysis.
const STRIP = /(^|\s)@\w+|https?:\/\/\S+/g;
const LATIN_LETTER = /[A-Za-z]/g;
const ANY_LETTER = /\p{L}/gu;

/**
 * The honest baseline: AFINN (the `sentiment` package) extended with customer-care vocabulary, plus
 * weighted cue rules for actionability. Undeclared when the text is not English-like or carries no signal.
 */
export class LexiconClassifier implements TextClassifier {
  readonly modelName = MODEL;
  private readonly analyzer = new SentimentAnalyzer();
  private readonly options = { extras: { ...CARE_SENTIMENT_EXTRAS } };

  classify(text: string): Classification {
    const body = text.replace(STRIP, ' ').trim();
    if (!isSupportedLanguage(body)) {
      return {
        sentiment: 'undeclared',
        sentimentScore: 0,
        actionability: 'undeclared',
        actionabilityScore: 0,
        sentimentFeatures: ['unsupported language'],
        actionabilityFeatures: ['unsupported language'],
        model: MODEL,
      };
    }
    const analysis = this.analyzer.analyze(body, this.options);
    const { sentiment, sentimentScore } = decideSentiment(analysis.score, analysis.words.length);
    const sentimentFeatures = analysis.calculation
      .flatMap((entry) => Object.entries(entry))
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, 3)
      .map(([word, weight]) => `${word} (${weight > 0 ? '+' : ''}${weight})`);

    const action = ACTION_CUES.filter((cue) => cue.pattern.test(body));
    const closure = CLOSURE_CUES.filter((cue) => cue.pattern.test(body));
    const { actionability, actionabilityScore } = decideActionability(
      action.reduce((sum, cue) => sum + cue.weight, 0),
      closure.reduce((sum, cue) => sum + cue.weight, 0),
      sentiment,
    );
    const actionabilityFeatures = [...action, ...closure]
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 3)
      .map((cue) => cue.label);

    return {
      sentiment,
      sentimentScore,
      actionability,
      actionabilityScore,
      sentimentFeatures: sentimentFeatures.length > 0 ? sentimentFeatures : ['no sentiment words'],
      actionabilityFeatures: actionabilityFeatures.length > 0 ? actionabilityFeatures : ['no cues'],
      model: MODEL,
    };
  }
}

function isSupportedLanguage(body: string): boolean {
  const letters = body.match(ANY_LETTER)?.length ?? 0;
  if (letters < 2) return false;
  const latin = body.match(LATIN_LETTER)?.length ?? 0;
  return latin / letters >= 0.7;
}

function decideSentiment(score: number, hits: number): { sentiment: Sentiment; sentimentScore: number } {
  if (hits === 0) return { sentiment: 'neutral', sentimentScore: 0.55 };
  if (score === 0) return { sentiment: 'neutral', sentimentScore: 0.5 };
  // A logistic squash of the AFINN total: one mild word is a weak opinion, several strong ones a sure one.
  const confidence = round(1 / (1 + Math.exp(-Math.abs(score) / 2)));
  return { sentiment: score > 0 ? 'positive' : 'negative', sentimentScore: confidence };
}

function decideActionability(
  action: number,
  closure: number,
  sentiment: Sentiment,
): { actionability: Actionability; actionabilityScore: number } {
  if (action === 0 && closure === 0 && sentiment === 'neutral') {
    return { actionability: 'undeclared', actionabilityScore: 0.5 };
  }
  // A complaint is actionable even without an explicit question ("my order is late again").
  const margin = action - closure + (sentiment === 'negative' ? 0.8 : 0) - (sentiment === 'positive' ? 0.4 : 0);
  const confidence = round(1 / (1 + Math.exp(-Math.abs(margin) * 1.5)));
  return margin > 0
    ? { actionability: 'actionable', actionabilityScore: confidence }
    : { actionability: 'not-actionable', actionabilityScore: confidence };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
