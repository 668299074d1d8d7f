import { type ReactNode } from 'react';

const ICONS: Readonly<Record<string, ReactNode>> = {
  positive: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8 14s1.5 2 4 2 4-2 4-2" />
      <path d="M9 9h.01M15 9h.01" />
    </>
  ),
  negative: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M16 16s-1.5-2-4-2-4 2-4 2" />
      <path d="M9 9h.01M15 9h.01" />
    </>
  ),
  neutral: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8 15h8" />
      <path d="M9 9h.01M15 9h.01" />
    </>
  ),
  undeclared: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5V14" />
      <path d="M12 17h.01" />
    </>
  ),
  actionable: (
    <>
      <path d="M5 21V4" />
      <path d="M5 4h11l-2 4 2 4H5" />
    </>
  ),
  'not-actionable': (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8 12h8" />
    </>
  ),
};

export const SENTIMENT_LABELS: Readonly<Record<string, string>> = { positive: 'Positive', negative: 'Negative', neutral: 'Neutral', undeclared: 'Sentiment undeclared' };
export const ACTIONABILITY_LABELS: Readonly<Record<string, string>> = { actionable: 'Actionable', 'not-actionable': 'Not actionable', undeclared: 'Actionability undeclared' };

interface BadgeProps {
  what: 'sentiment' | 'actionability';
  value: string;
  testId: string;
  /** The model's label when an agent corrected this one: the badge is marked. */
  original?: string;
}

/** A classification icon with its label; corrected (or confirmed) by an agent, marked so, with the model's label. */
export function Badge({ what, value, testId, original }: BadgeProps): ReactNode {
  const labels = what === 'sentiment' ? SENTIMENT_LABELS : ACTIONABILITY_LABELS;
  const label = labels[value] ?? value;
  const Title = what === 'sentiment' ? 'Sentiment' : 'Actionability';
  const corrected = original !== undefined;
  const originalLabel = original === undefined ? undefined : (labels[original] ?? original);
  const mark = !corrected ? '' : originalLabel === label ? 'confirmed' : 'corrected';
  const title = corrected ? `${Title}: ${label} (${mark} by an agent; the model said ${originalLabel})` : `${Title}: ${label}`;
  return (
    <span className="badge" data-testid={testId} data-value={value} data-corrected={String(corrected)} title={title}>
      <svg viewBox="0 0 24 24" aria-hidden="true">
        {ICONS[value] ?? ICONS['undeclared']}
      </svg>
      {label}
      {corrected && (
        <>
          <span className="corrected-mark" data-testid={`${testId}-corrected`}>
            {mark}
          </span>
          {/* The tooltip is not read out; the model's label is, from here. */}
          <span className="visually-hidden">; the model said {originalLabel}</span>
        </>
      )}
    </span>
  );
}
