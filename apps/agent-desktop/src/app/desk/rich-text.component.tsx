import { type ReactNode } from 'react';

import { splitText } from './format.util';

/**
 * Text as text (never HTML): each @username a link to the profile on X; with `onReach`, each email address and phone
 * number a button to email or call it through Perch (the contact panel opens with it).
 */
export function RichText({ text, onReach }: { text: string; onReach?: (channel: 'email' | 'call', address: string) => void }): ReactNode {
  return splitText(text).map((part, i) => {
    if ('mention' in part) {
      return (
        <a key={i} href={`https://x.com/${part.mention}`} target="_blank" rel="noopener noreferrer">
          @{part.mention}
        </a>
      );
    }
    if ('email' in part || 'phone' in part) {
      const [channel, address] = 'email' in part ? (['email', part.email] as const) : (['call', part.phone] as const);
      return onReach ? (
        <button key={i} type="button" className="inline-link" data-testid={`reach-${channel}`} title={channel === 'email' ? `Email ${address}` : `Call ${address}`} onClick={() => onReach(channel, address)}>
          {address}
        </button>
      ) : (
        address
      );
    }
    return part.text;
  });
}
